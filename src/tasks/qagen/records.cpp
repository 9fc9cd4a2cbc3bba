#include "tasks/qagen/records.h"

#include "core/error.h"
#include "core/text_lines.h"
#include "data/squad.h"

namespace frugal {

std::vector<Paragraph> read_paragraphs(const std::string& path, std::size_t* skipped) {
  std::vector<Paragraph> out;
  std::size_t empty = 0;
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (json) {
    const auto data = read_squad(path);
    for (std::size_t a = 0; a < data.articles.size(); ++a) {
      for (std::size_t p = 0; p < data.articles[a].paragraphs.size(); ++p) {
        const auto& context = data.articles[a].paragraphs[p].context;
        if (context.find_first_not_of(" \t\r\n") == std::string::npos) {
          ++empty;
          continue;
        }
        out.push_back({"a" + std::to_string(a) + "-p" + std::to_string(p), data.articles[a].title, context});
      }
    }
  } else {
    for_each_line(path, [&](std::string& line, std::uint64_t n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        ++empty;
        return;
      }
      out.push_back({"l" + std::to_string(n), "", line});
    });
  }
  if (skipped) *skipped = empty;
  return out;
}

void for_each_record(const std::string& path, const std::function<void(nlohmann::json&, std::uint64_t)>& fn) {
  for_each_line(path, [&](std::string& line, std::uint64_t n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(InputLocation{path, n, e.byte}, "malformed JSON record");
    }
    if (!j.is_object()) throw InputError(InputLocation{path, n}, "a record is a JSON object");
    fn(j, n);
  });
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

std::int64_t record_int(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_number_integer()) throw InputError(InputLocation{path, line, 0, key}, "missing or not an integer");
  return r[key].get<std::int64_t>();
}

}  // namespace frugal
