// libFuzzer target for GLUE-style TSV (classify, distill and augment read it): bytes as a file.
// A table that reads has a non-empty header of distinct names and rows of exactly its width
// with strictly increasing line numbers; text examples come one per row; anything else is an
// InputError naming FILE:LINE.
#include <cstdint>
#include <set>
#include <string>

#include "core/error.h"
#include "data/tsv_table.h"
#include "fuzz_target.h"
#include "tasks/classify/text_examples.h"

FRUGAL_FUZZ_TARGET(fuzz_tsv) {
  const auto path = frugal::fuzz::input_file(data, size, ".tsv");
  try {
    const auto table = frugal::read_tsv_table(path);
    frugal::fuzz::require(!table.header.empty() && !table.rows.empty(), "a table without a header or rows");
    frugal::fuzz::require(std::set<std::string>(table.header.begin(), table.header.end()).size() == table.header.size(),
                          "repeated column names");
    frugal::fuzz::require(table.rows.size() == table.lines.size(), "rows without line numbers");
    std::uint64_t last = 1;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      frugal::fuzz::require(table.rows[r].size() == table.header.size(), "a row of another width than the header");
      frugal::fuzz::require(table.lines[r] > last, "row lines not increasing");
      last = table.lines[r];
    }
    const auto examples = frugal::read_text_examples(path, frugal::TextColumns{}, frugal::LabelNeed::kOptional);
    frugal::fuzz::require(examples.size() == table.rows.size(), "text examples differ from the rows");
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_located(e, path);
  }
}
