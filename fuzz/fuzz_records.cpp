// libFuzzer target for the JSONL records passed between stages: the synthetic-QA stages'
// records, token-id records (`frugal mask`, `model forward`) and the metrics files `frugal
// plot` reads: bytes as a file of records. Every
// record is a JSON object delivered with its line number, lines strictly increasing and as many
// as count_records says; every field a stage reads either has its type or fails with an
// InputError naming FILE:LINE and the field.
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/metrics_plot.h"
#include "data/token_records.h"
#include "fuzz_target.h"
#include "tasks/qagen/records.h"

FRUGAL_FUZZ_TARGET(fuzz_records) {
  const auto path = frugal::fuzz::input_file(data, size, ".jsonl");
  const auto located = [&](const auto& read) {
    try {
      read();
    } catch (const frugal::InputError& e) {
      frugal::fuzz::expect_located(e, path);
    }
  };
  located([&] {
    std::size_t records = 0;
    std::uint64_t last_line = 0;
    frugal::for_each_record(path, [&](nlohmann::json& r, std::uint64_t line) {
      frugal::fuzz::require(r.is_object(), "a record that is not an object");
      frugal::fuzz::require(line > last_line, "record lines not increasing");
      last_line = line;
      ++records;
      // The fields the answers, questions, filter and synthetic-SQuAD stages read.
      for (const char* key : {"paragraph_id", "title", "context", "answer", "question", "qa_answer"}) {
        located([&] { (void)frugal::record_string(r, key, path, line); });
        located([&] { (void)frugal::record_string_or(r, key, "", path, line); });
      }
      located([&] { (void)frugal::record_int(r, "answer_start", path, line); });
      located([&] { (void)frugal::record_bool(r, "kept", false, path, line); });
    });
    frugal::fuzz::require(records == frugal::count_records(path), "count_records differs from the records read");
  });
  located([&] {
    std::uint64_t last_line = 0;
    for (const auto& r : frugal::read_token_records(path, 100)) {
      frugal::fuzz::require(!r.input_ids.empty() && r.line > last_line, "an empty token record or lines not increasing");
      last_line = r.line;
      for (const auto id : r.input_ids) frugal::fuzz::require(id >= 0 && id < 100, "a token id outside the vocabulary");
      for (const auto* other : {&r.token_type_ids, &r.attention_mask}) {
        frugal::fuzz::require(other->empty() || other->size() == r.input_ids.size(), "token types or mask of another length");
      }
      for (const auto m : r.attention_mask) frugal::fuzz::require(m == 0 || m == 1, "a mask value other than 0 and 1");
    }
  });
  located([&] {
    frugal::PlotOptions options;
    options.files = {path};
    options.y = {"loss", "eval.loss"};
    options.log_y = size > 0 && data[0] % 2 == 0;
    const auto series = frugal::read_plot_series(options);
    for (const auto& s : series) {
      for (const auto& [x, y] : s.points) {
        frugal::fuzz::require(x == x && y == y, "a NaN point");
        frugal::fuzz::require(!options.log_y || y > 0, "a point that a log axis cannot draw");
      }
    }
    const auto script = frugal::gnuplot_script(options, series, "/tmp/plot.svg");
    frugal::fuzz::require(script.find("unset multiplot") != std::string::npos, "an incomplete gnuplot script");
  });
}
