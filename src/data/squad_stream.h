#pragma once
// SQuAD JSON read as a stream (nlohmann's SAX parser): memory holds one article at a time, for
// files that need not fit. It accepts and rejects exactly the documents parse_squad (simdjson's
// DOM) does and yields the same articles: the same required fields and types, the first of
// repeated keys, simdjson's 1024-level depth limit and 64-bit number range, a UTF-8 byte-order
// mark skipped. fuzz/fuzz_squad.cpp checks the two against each other.
#include <functional>
#include <istream>
#include <string>

#include "data/squad.h"

namespace frugal {

// Calls on_article for every article, in file order, each complete (its title may follow its
// paragraphs in the file). Returns the file's "version" ("" when absent). InputError naming
// `name` and a line:column (syntax) or a JSON path (structure); `in` must be seekable for the
// line:column of a syntax error.
std::string stream_squad(std::istream& in, const std::string& name, const std::function<void(SquadArticle&)>& on_article);
std::string stream_squad_file(const std::string& path, const std::function<void(SquadArticle&)>& on_article);

}  // namespace frugal
