#include "data/text_corpus.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <simdjson.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/text_lines.h"
#include "core/utf8.h"
#include "data/file_chunks.h"
#include "data/registry.h"
#include "data/squad.h"

namespace fs = std::filesystem;

namespace frugal {
namespace {

using Document = std::vector<std::string>;
using DocumentSink = std::function<void(const Document&)>;

std::string squeeze_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Paragraph text -> its non-empty lines, whitespace squeezed, invalid UTF-8 replaced.
Document lines_of(std::string_view text) {
  Document doc;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = squeeze_spaces(text.substr(start, end - start));
    if (find_invalid_utf8(line) != kValidUtf8) line = replace_invalid_utf8(line);
    if (!line.empty()) doc.push_back(std::move(line));
    start = end + 1;
  }
  return doc;
}

std::string require_file(const std::string& path, const std::string& package) {
  if (!fs::exists(path)) throw InputError(InputLocation{path}, "missing; install the Debian package " + package + " (scripts/setup.sh)");
  return path;
}

void read_gcide(const std::string& root, const DocumentSink& sink) {
  const auto path = require_file(root + "/dictd/gcide.dict.dz", "dict-gcide");
  std::string text;
  read_file_chunks(path, /*gunzip=*/true, [&](std::string_view chunk) { text.append(chunk); });
  // Entries are separated by blank lines; "[1913 Webster]"-style source notes are dropped.
  std::string entry;
  auto flush = [&] {
    auto line = squeeze_spaces(entry);
    entry.clear();
    if (line.size() < 20) return;  // headers and bare cross-references
    if (find_invalid_utf8(line) != kValidUtf8) line = replace_invalid_utf8(line);
    sink(Document{std::move(line)});
  };
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      flush();
    } else if (!(line.find('[') != std::string_view::npos && line.find("Webster]") != std::string_view::npos && line.size() < 40)) {
      entry.append(line);
      entry += ' ';
    }
  }
  flush();
}

void read_wordnet(const std::string& root, const DocumentSink& sink) {
  for (const char* pos : {"noun", "verb", "adj", "adv"}) {
    const auto path = require_file(root + "/wordnet/data." + std::string(pos), "wordnet-base");
    Document doc;
    for_each_line(path, [&](std::string& line, std::uint64_t) {
      if (line.empty() || line[0] == ' ') return;  // licence header
      const auto bar = line.find(" | ");
      if (bar == std::string::npos) return;
      // "offset lex_filenum ss_type w_cnt word lex_id ...": the first word is the lemma.
      std::size_t p = 0;
      for (int field = 0; field < 4 && p != std::string::npos; ++field) p = line.find(' ', p + 1);
      if (p == std::string::npos) return;
      const auto word_end = line.find(' ', p + 1);
      std::string lemma = line.substr(p + 1, word_end - p - 1);
      for (auto& c : lemma) c = c == '_' ? ' ' : c;
      doc.push_back(lemma + ": " + squeeze_spaces(line.substr(bar + 3)));
      if (doc.size() == 50) {
        sink(doc);
        doc.clear();
      }
    }, /*lossy=*/true);
    if (!doc.empty()) sink(doc);
  }
}

void read_fortunes(const std::string& root, const DocumentSink& sink) {
  const auto dir = root + "/games/fortunes";
  require_file(dir, "fortunes");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension().empty()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // directory order is not stable
  for (const auto& file : files) {
    std::string fortune;
    for_each_line(file, [&](std::string& line, std::uint64_t) {
      if (line == "%") {
        auto doc = lines_of(fortune);
        if (!doc.empty()) sink(doc);
        fortune.clear();
      } else {
        fortune += line + "\n";
      }
    }, /*lossy=*/true);
    auto doc = lines_of(fortune);
    if (!doc.empty()) sink(doc);
  }
}

void read_squad_contexts(const std::string& path, std::set<std::string>& seen, const DocumentSink& sink) {
  const auto data = read_squad(path);
  for (const auto& article : data.articles) {
    for (const auto& paragraph : article.paragraphs) {
      if (!seen.insert(paragraph.context).second) continue;
      auto doc = lines_of(paragraph.context);
      if (!doc.empty()) sink(doc);
    }
  }
}

void read_mrqa_contexts(const std::string& path, std::set<std::string>& seen, const DocumentSink& sink) {
  std::string text;
  read_file_chunks(path, /*gunzip=*/true, [&](std::string_view chunk) { text.append(chunk); });
  simdjson::dom::parser parser;
  std::size_t start = 0;
  std::uint64_t line_no = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const auto doc = parse_json_text(parser, line, path, line_no);
    simdjson::dom::object o;
    if (doc.get(o) != simdjson::SUCCESS) continue;
    std::string_view context;
    if (o["context"].get(context) != simdjson::SUCCESS) continue;  // the header line
    if (!seen.insert(std::string(context)).second) continue;
    auto lines = lines_of(context);
    if (!lines.empty()) sink(lines);
  }
}

void read_sst2(DataCache& cache, const DocumentSink& sink) {
  Document doc;
  for (const char* split : {"train.tsv", "dev.tsv"}) {
    for_each_line(cache.file_path("sst2", split), [&](std::string& line, std::uint64_t line_no) {
      if (line_no == 1) return;  // header
      const auto tab = line.find('\t');
      auto sentence = squeeze_spaces(line.substr(0, tab));
      if (sentence.empty()) return;
      doc.push_back(std::move(sentence));
      if (doc.size() == 50) {  // independent sentences, grouped so examples can be packed
        sink(doc);
        doc.clear();
      }
    });
  }
  if (!doc.empty()) sink(doc);
}

}  // namespace

std::vector<std::string> text_corpus_sources() {
  return {"gcide", "wordnet", "fortunes", "squad-v1.1-dev", "squad-v2.0-dev", "squadshifts-new-wiki",
          "squadshifts-reddit", "squadshifts-amazon", "tydiqa-goldp-en", "newsqa-dev", "sst2"};
}

std::vector<CorpusSourceStats> build_text_corpus(const TextCorpusOptions& options, DataCache& cache) {
  const auto known = text_corpus_sources();
  for (const auto& s : options.sources) {
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InputError("unknown corpus source '" + s + "' (known: " + list + ")");
    }
  }
  if (options.sources.empty()) throw InputError("no corpus sources given");
  AtomicFile out(options.out);
  std::unique_ptr<AtomicFile> held;
  if (!options.held_out.empty()) held = std::make_unique<AtomicFile>(options.held_out);
  std::vector<CorpusSourceStats> stats;
  std::set<std::string> seen_contexts;  // the same paragraph in two QA sets is written once
  for (const auto& source : options.sources) {
    CorpusSourceStats st;
    st.source = source;
    std::uint64_t index = 0;
    const DocumentSink sink = [&](const Document& doc) {
      if (options.max_documents > 0 && index >= options.max_documents) return;
      ++index;
      const bool to_held = held && options.held_out_every > 0 && index % options.held_out_every == 0;
      std::string text;
      for (const auto& line : doc) text += line + "\n";
      text += "\n";
      (to_held ? *held : out).write(text);
      if (to_held) {
        ++st.held_out_documents;
        return;
      }
      ++st.documents;
      st.lines += doc.size();
      st.bytes += text.size();
    };
    if (source == "gcide") {
      read_gcide(options.debian_root, sink);
    } else if (source == "wordnet") {
      read_wordnet(options.debian_root, sink);
    } else if (source == "fortunes") {
      read_fortunes(options.debian_root, sink);
    } else if (source == "sst2") {
      read_sst2(cache, sink);
    } else if (source == "newsqa-dev") {
      read_mrqa_contexts(cache.file_path(source, "NewsQA.dev.jsonl.gz"), seen_contexts, sink);
    } else {
      const auto& entry = require_data_entry(cache.registry(), source);
      for (const auto& file : entry.files) read_squad_contexts(cache.file_path(source, file.name), seen_contexts, sink);
    }
    stats.push_back(st);
  }
  out.commit();
  if (held) held->commit();
  return stats;
}

}  // namespace frugal
