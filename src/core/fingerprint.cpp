#include "core/fingerprint.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include "core/error.h"

#include <vector>

namespace frugal {
namespace {

// Keys of the top level (global options): none changes what a run computes.
bool is_command(const nlohmann::json& j) { return j.is_object(); }

nlohmann::json with_files(const nlohmann::json& value) {
  if (value.is_string()) {
    struct stat st {};
    if (::stat(value.get<std::string>().c_str(), &st) == 0 && S_ISREG(st.st_mode)) return file_identity(value.get<std::string>());
    return value;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(with_files(v));
    return out;
  }
  return value;
}

std::string short_text(const nlohmann::json& j) {
  if (j.is_null()) return "(none)";
  auto text = j.is_string() ? j.get<std::string>() : j.dump();
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

}  // namespace

nlohmann::json file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {{"path", path}};
  const auto mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return {{"path", path}, {"bytes", static_cast<std::uint64_t>(st.st_size)}, {"mtime_ns", mtime_ns}};
}

nlohmann::json command_fingerprint(const nlohmann::json& config, const std::set<std::string>& free_keys) {
  const nlohmann::json* node = &config;
  for (bool descended = true; descended;) {
    descended = false;
    for (const auto& [key, value] : node->items()) {
      if (is_command(value)) {
        node = &value;
        descended = true;
        break;
      }
    }
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : node->items()) {
    if (!free_keys.count(key)) out[key] = with_files(value);
  }
  return out;
}

namespace {

bool is_file(const nlohmann::json& j) { return j.is_object() && j.contains("path"); }

// Differences as "--key was A, now B", options spelled as on the command line.
void collect_mismatches(const nlohmann::json& recorded, const nlohmann::json& current, std::vector<std::string>& out) {
  std::set<std::string> keys;
  for (const auto& [k, v] : recorded.items()) keys.insert(k);
  for (const auto& [k, v] : current.items()) keys.insert(k);
  for (const auto& k : keys) {
    const auto a = recorded.contains(k) ? recorded[k] : nlohmann::json();
    const auto b = current.contains(k) ? current[k] : nlohmann::json();
    if (a == b) continue;
    if (a.is_object() && b.is_object() && !is_file(a) && !is_file(b)) {
      collect_mismatches(a, b, out);
      continue;
    }
    if (a.is_array() && b.is_array() && a.size() == b.size()) {  // e.g. --corpus A B: name the file that differs
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) collect_mismatches(nlohmann::json{{k, a[i]}}, nlohmann::json{{k, b[i]}}, out);
      }
      continue;
    }
    std::string option = k;
    for (auto& c : option) c = c == '_' ? '-' : c;
    if (is_file(a) && is_file(b) && a["path"] == b["path"]) {
      out.push_back(fmt::format("{} changed since (then {} bytes, now {})", short_text(a["path"]), short_text(a.value("bytes", nlohmann::json())),
                                short_text(b.value("bytes", nlohmann::json()))));
      continue;
    }
    const auto show = [](const nlohmann::json& j) {
      if (is_file(j)) return short_text(j["path"]);
      if (j.is_array()) {
        std::string text;
        for (const auto& v : j) text += (text.empty() ? "" : ",") + (is_file(v) ? short_text(v["path"]) : short_text(v));
        return text;
      }
      return short_text(j);
    };
    out.push_back(fmt::format("--{} was {}, now {}", option, show(a), show(b)));
  }
}

}  // namespace

std::string fingerprint_mismatch(const nlohmann::json& recorded, const nlohmann::json& current) {
  std::vector<std::string> all;
  collect_mismatches(recorded, current, all);
  std::string text;
  for (std::size_t i = 0; i < all.size() && i < 3; ++i) text += (i ? ", " : "") + all[i];
  if (all.size() > 3) text += ", ...";
  return text;
}

void check_fingerprint(const std::string& file, const nlohmann::json& recorded, const nlohmann::json& current,
                       const std::string& remedy) {
  if (recorded.is_null()) return;
  const auto mismatch = fingerprint_mismatch(recorded, current);
  if (!mismatch.empty()) throw InputError(InputLocation{file}, "was made by another run (" + mismatch + "); " + remedy);
}

}  // namespace frugal
