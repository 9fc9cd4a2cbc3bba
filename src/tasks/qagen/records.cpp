#include "tasks/qagen/records.h"

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text_lines.h"

namespace frugal {

namespace {

bool is_blank(const std::string& s, const char* blanks) { return s.find_first_not_of(blanks) == std::string::npos; }

// SAX handler for SQuAD JSON: emits {title, context} at the end of every
// data[i].paragraphs[j] object and ignores everything else (questions included).
class ParagraphSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  ParagraphSax(const std::string& path, const std::function<void(Paragraph&)>& fn) : path_(path), fn_(fn) {}

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (at(kArticle) && key_ == "title") {
      title_ = value;
      has_title_ = true;
    }
    if (at(kParagraph) && key_ == "context") {
      context_ = std::move(value);
      has_context_ = true;
    }
    return scalar();
  }
  bool key(string_t& value) override {
    key_ = value;
    return true;
  }
  bool start_object(std::size_t) override {
    expect_container(false);
    open(false);
    if (at(kArticle)) {
      ++article_;
      paragraph_ = -1;
      title_.clear();
      has_title_ = false;
      has_paragraphs_ = false;
    }
    if (at(kParagraph)) {
      ++paragraph_;
      has_context_ = false;
    }
    return true;
  }
  bool end_object() override {
    if (at(kParagraph)) {
      const auto where = "a" + std::to_string(article_) + "-p" + std::to_string(paragraph_);
      if (!has_context_) {
        throw InputError(InputLocation{path_, 0, 0, "data[" + std::to_string(article_) + "].paragraphs[" + std::to_string(paragraph_) + "]"},
                         "no \"context\" string");
      }
      Paragraph p{where, title_, std::move(context_)};
      // Some files (SQuADShifts) put the title after the paragraphs: hold them until it comes.
      if (has_title_) {
        fn_(p);
      } else {
        pending_.push_back(std::move(p));
      }
    }
    if (at(kArticle)) {
      if (!has_paragraphs_) fail(article_path(), "no \"paragraphs\" array");
      for (auto& p : pending_) {
        p.title = title_;
        fn_(p);
      }
      pending_.clear();
    }
    return close();
  }
  bool start_array(std::size_t) override {
    expect_container(true);
    open(true);
    if (at(kData)) saw_data_ = true;
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    // Error path only: read the file to turn the byte offset into line:column.
    const std::string text = read_file(path_);
    std::string what = e.what();
    if (const auto colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError(locate_offset(text, position > 0 ? position - 1 : 0, path_), "malformed JSON: " + what);
  }
  bool saw_data() const { return saw_data_; }

 private:
  // The open containers, each named by the key it sits under ("[]" inside an array, "" at the root).
  static constexpr const char* kData[] = {"", "data"};
  static constexpr const char* kArticle[] = {"", "data", "[]"};
  static constexpr const char* kParagraphs[] = {"", "data", "[]", "paragraphs"};
  static constexpr const char* kParagraph[] = {"", "data", "[]", "paragraphs", "[]"};
  template <std::size_t N>
  bool at(const char* const (&path)[N]) const {
    if (stack_.size() != N) return false;
    for (std::size_t i = 0; i < N; ++i) {
      if (stack_[i] != path[i]) return false;
    }
    return true;
  }
  void open(bool array) {
    stack_.push_back(stack_.empty() ? std::string() : in_array_.back() ? std::string("[]") : key_);
    in_array_.push_back(array);
  }
  bool close() {
    stack_.pop_back();
    in_array_.pop_back();
    return true;
  }
  // The shape read_squad accepts: data is an array of article objects, each with a
  // "paragraphs" array of objects. Anything else is an error (as in qa predict), not "no
  // paragraphs".
  bool scalar() {
    expect_container(false, true);
    return true;
  }
  void expect_container(bool array, bool scalar = false) {
    if (stack_.size() == 1 && key_ == "data" && !in_array_.back() && (scalar || !array)) fail("data", "not an array");
    if (at(kData)) {
      if (scalar || array) fail("data[" + std::to_string(article_ + 1) + "]", "not an object");
    }
    if (at(kArticle) && key_ == "paragraphs") {
      if (scalar || !array) fail(article_path() + ".paragraphs", "not an array");
      if (array) has_paragraphs_ = true;
    }
    if (at(kParagraphs) && (scalar || array)) {
      fail(article_path() + ".paragraphs[" + std::to_string(paragraph_ + 1) + "]", "not an object");
    }
  }
  std::string article_path() const { return "data[" + std::to_string(article_) + "]"; }
  [[noreturn]] void fail(const std::string& json_path, const std::string& what) const {
    throw InputError(InputLocation{path_, 0, 0, json_path}, what);
  }

  const std::string& path_;
  std::function<void(Paragraph&)> fn_;
  std::vector<std::string> stack_;
  std::vector<bool> in_array_;
  std::string key_, title_, context_;
  std::vector<Paragraph> pending_;  // paragraphs seen before their article's title
  bool has_context_ = false, has_title_ = false, saw_data_ = false, has_paragraphs_ = false;
  long article_ = -1, paragraph_ = -1;
};

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
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(InputLocation{path}, "cannot read file");
    ParagraphSax sax(path, keep);
    nlohmann::json::sax_parse(in, &sax);
    if (!sax.saw_data()) throw InputError(InputLocation{path}, "no \"data\" array: not SQuAD JSON");
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

std::int64_t record_int(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line) {
  if (!r.contains(key) || !r[key].is_number_integer()) throw InputError(InputLocation{path, line, 0, key}, "missing or not an integer");
  return r[key].get<std::int64_t>();
}

}  // namespace frugal
