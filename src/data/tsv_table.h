#pragma once
// GLUE-style TSV: a header row naming the columns, then one record per line, fields separated
// by tabs (no quoting, as GLUE writes them). Read whole, with every row's line number, so that
// a later error (a label the model does not know) can still name FILE:LINE.
#include <cstdint>
#include <string>
#include <vector>

namespace frugal {

struct TsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;  // line number of each row (the header is line 1)

  // The index of column `name`; InputError naming the file, line 1 and the columns there are.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
};

// InputError "FILE:LINE:COL: ..." for invalid UTF-8, a row with more or fewer fields than the
// header, a header without columns or with a repeated name, and a file without rows. Empty
// lines are skipped.
TsvTable read_tsv_table(const std::string& path);

}  // namespace frugal
