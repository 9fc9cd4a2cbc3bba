#include "tasks/qagen/records.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text_lines.h"
#include "data/squad_stream.h"
#include "core/json_input.h"

namespace frugal {

namespace {

bool is_blank(const std::string& s, const char* blanks) { return s.find_first_not_of(blanks) == std::string::npos; }

}  // namespace

std::size_t for_each_paragraph(const std::string& path, const std::function<void(Paragraph&)>& fn) {
  std::size_t empty = 0;
  const auto keep = [&](Paragraph& p) {
    if (is_blank(p.context, " \t\r\n")) {
      ++empty;
      return;
    }
    fn(p);
  };
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (json) {
    std::size_t article = 0;
    stream_squad_file(path, [&](SquadArticle& a) {
      for (std::size_t j = 0; j < a.paragraphs.size(); ++j) {
        Paragraph p{"a" + std::to_string(article) + "-p" + std::to_string(j), a.title, std::move(a.paragraphs[j].context)};
        keep(p);
      }
      ++article;
    });
  } else {
    for_each_line(path, [&](std::string& line, std::uint64_t n) {
      Paragraph p{"l" + std::to_string(n), "", std::move(line)};
      keep(p);
    });
  }
  return empty;
}

std::vector<Paragraph> read_paragraphs(const std::string& path, std::size_t* skipped) {
  std::vector<Paragraph> out;
  const auto empty = for_each_paragraph(path, [&](Paragraph& p) { out.push_back(std::move(p)); });
  if (skipped) *skipped = empty;
  return out;
}

void for_each_record(const std::string& path, const std::function<void(nlohmann::json&, std::uint64_t)>& fn) {
  for_each_line(path, [&](std::string& line, std::uint64_t n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    auto j = parse_nlohmann_text(line, path, n);
    if (!j.is_object()) throw InputError(InputLocation{path, n}, "a record is a JSON object");
    fn(j, n);
  });
}

std::size_t count_records(const std::string& path) {
  std::size_t n = 0;
  for_each_line(path, [&](std::string& line, std::uint64_t) { n += is_blank(line, " \t\r") ? 0 : 1; });
  return n;
}

std::vector<nlohmann::json> read_records(const std::string& path) {
  std::vector<nlohmann::json> out;
  for_each_record(path, [&](nlohmann::json& j, std::uint64_t) { out.push_back(std::move(j)); });
  return out;
}

std::string record_string(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_string()) throw InputError(InputLocation{path, line, 0, key}, "missing or not a string");
  return r[key].get<std::string>();
}

std::string jsonl(const nlohmann::json& record) {
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::int64_t record_int(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_number_integer()) throw InputError(InputLocation{path, line, 0, key}, "missing or not an integer");
  return r[key].get<std::int64_t>();
}

double record_double(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_number()) throw InputError(InputLocation{path, line, 0, key}, "missing or not a number");
  return r[key].get<double>();
}

bool record_bool(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_boolean()) throw InputError(InputLocation{path, line, 0, key}, "missing or not true or false");
  return r[key].get<bool>();
}

bool record_bool(const nlohmann::json& r, const char* key, bool fallback, const std::string& path, std::uint64_t line) {
  const auto it = r.find(key);
  if (it == r.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw InputError(InputLocation{path, line, 0, key}, "not true or false");
  return it->get<bool>();
}

std::string record_string_or(const nlohmann::json& r, const char* key, const std::string& fallback, const std::string& path,
                             std::uint64_t line) {
  const auto it = r.find(key);
  if (it == r.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw InputError(InputLocation{path, line, 0, key}, "not a string");
  return it->get<std::string>();
}

}  // namespace frugal
