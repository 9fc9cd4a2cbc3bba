#include "data/squad_stream.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <limits>
#include <vector>

#include "core/error.h"
#include "core/json_input.h"

namespace frugal {

namespace {

// What a container is in the SQuAD structure; Skip for everything frugal does not read.
enum class Role { Root, Data, Article, Paragraphs, Paragraph, Qas, Qa, Answers, PlausibleAnswers, Answer, Skip };

// Fields of the objects, one bit each, to take the first of repeated keys (as simdjson's
// at_key does) and to find missing ones.
enum Field : unsigned {
  kUnknown = 0,  // a key frugal does not read: skipped
  kVersion = 1, kData = 2, kTitle = 4, kParagraphs = 8, kContext = 16, kQas = 32, kId = 64, kQuestion = 128,
  kAnswers = 256, kImpossible = 512, kPlausible = 1024, kText = 2048, kStart = 4096
};

struct Frame {
  Role role;
  std::string path;       // JSON path, as JsonContext writes it ("" at the root)
  std::size_t count = 0;  // elements of an array so far
  unsigned seen = 0;      // fields of an object so far
  unsigned key = 0;       // the field the next value belongs to (0: not read)
};

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// FILE:LINE:COL of a byte offset: the error path re-reads the stream up to it.
InputLocation locate_in_stream(std::istream& in, std::size_t offset, const std::string& name) {
  in.clear();
  if (!in.seekg(0)) return InputLocation{name};
  std::string head(offset, '\0');
  in.read(head.data(), static_cast<std::streamsize>(offset));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return locate_offset(head, head.size(), name);
}

class SquadSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  SquadSax(std::istream& in, const std::string& name, const std::function<void(SquadArticle&)>& on_article)
      : in_(in), name_(name), on_article_(on_article) {}

  const std::string& version() const { return version_; }

  bool null() override { return scalar(); }
  bool boolean(bool value) override {
    if (expecting(kImpossible)) {
      question().is_impossible = value;
      return true;
    }
    return scalar();
  }
  bool number_integer(number_integer_t value) override { return integer(value); }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return scalar();
    return integer(static_cast<std::int64_t>(value));
  }
  bool number_float(number_float_t value, const string_t& text) override {
    if (stack_.empty()) fail("", "expected an object");
    // nlohmann reads an integer beyond 64 bits as a double; simdjson refuses the document.
    if (text.find_first_of(".eE") == std::string::npos) fail(value_path(), "a number beyond 64-bit integers");
    // json_int's rule: integral doubles within int64 count as integers (some writers print 12.0).
    std::int64_t as_integer = 0;
    if (integral_int64(value, as_integer)) return integer(as_integer);
    return scalar();
  }
  bool binary(binary_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (stack_.empty()) fail("", "expected an object");
    switch (take_key()) {
      case kVersion: version_ = std::move(value); return true;
      case kTitle: article_.title = std::move(value); return true;
      case kContext: article_.paragraphs.back().context = std::move(value); return true;
      case kId: question().id = std::move(value); return true;
      case kQuestion: question().question = std::move(value); return true;
      case kText: answer().text = std::move(value); return true;
      case kUnknown: return skip_element();
      default: return wrong_type(stack_.back().key);
    }
  }
  bool key(string_t& value) override {
    auto& f = stack_.back();
    const unsigned field = field_of(f.role, value);
    // A repeated key is skipped: the first one counts.
    f.key = (field != 0 && !(f.seen & field)) ? field : 0;
    f.seen |= f.key;
    key_name_ = std::move(value);
    return true;
  }
  bool start_object(std::size_t) override {
    const auto parent = stack_.empty() ? Role::Root : stack_.back().role;
    std::string path = stack_.empty() ? std::string() : value_path();
    Role role = Role::Skip;
    if (stack_.empty()) {
      role = Role::Root;
    } else if (parent == Role::Skip || parent == Role::Root || parent == Role::Article || parent == Role::Paragraph ||
               parent == Role::Qa || parent == Role::Answer) {
      if (take_key() != 0) wrong_type(stack_.back().key);
      skip_element();
    } else {
      ++stack_.back().count;
      role = parent == Role::Data ? Role::Article
             : parent == Role::Paragraphs ? Role::Paragraph
             : parent == Role::Qas        ? Role::Qa
                                          : Role::Answer;
      answers_are_plausible_ = parent == Role::PlausibleAnswers;
      if (role == Role::Paragraph) article_.paragraphs.emplace_back();
      if (role == Role::Qa) article_.paragraphs.back().qas.emplace_back();
      if (role == Role::Answer) answers().emplace_back();
    }
    push(role, std::move(path));
    return true;
  }
  bool end_object() override {
    const auto& f = stack_.back();
    const auto require = [&](unsigned field, const char* key) {
      if (!(f.seen & field)) fail(f.path, std::string("missing field \"") + key + "\"");
    };
    switch (f.role) {
      case Role::Root: require(kData, "data"); break;
      case Role::Article:
        require(kParagraphs, "paragraphs");
        on_article_(article_);
        article_ = SquadArticle{};
        break;
      case Role::Paragraph: require(kContext, "context"), require(kQas, "qas"); break;
      case Role::Qa: require(kId, "id"), require(kQuestion, "question"), require(kAnswers, "answers"); break;
      case Role::Answer: require(kText, "text"), require(kStart, "answer_start"); break;
      default: break;
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (stack_.empty()) fail("", "expected an object");
    std::string path = value_path();
    Role role = Role::Skip;
    switch (take_key()) {
      case kData: role = Role::Data; break;
      case kParagraphs: role = Role::Paragraphs; break;
      case kQas: role = Role::Qas; break;
      case kAnswers: role = Role::Answers; break;
      case kPlausible: role = Role::PlausibleAnswers; break;
      case kUnknown: skip_element(); break;
      default: wrong_type(stack_.back().key);
    }
    push(role, std::move(path));
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    throw InputError(locate(position > 0 ? position - 1 : 0), "malformed JSON: " + nlohmann_error_detail(e.what()));
  }

 private:
  static unsigned field_of(Role role, const std::string& key) {
    switch (role) {
      case Role::Root: return key == "version" ? kVersion : key == "data" ? kData : kUnknown;
      case Role::Article: return key == "title" ? kTitle : key == "paragraphs" ? kParagraphs : kUnknown;
      case Role::Paragraph: return key == "context" ? kContext : key == "qas" ? kQas : kUnknown;
      case Role::Qa:
        return key == "id"                  ? kId
               : key == "question"          ? kQuestion
               : key == "answers"           ? kAnswers
               : key == "is_impossible"     ? kImpossible
               : key == "plausible_answers" ? kPlausible
                                            : kUnknown;
      case Role::Answer: return key == "text" ? kText : key == "answer_start" ? kStart : kUnknown;
      default: return kUnknown;
    }
  }

  SquadQuestion& question() { return article_.paragraphs.back().qas.back(); }
  std::vector<SquadAnswer>& answers() {
    return answers_are_plausible_ ? question().plausible_answers : question().answers;
  }
  SquadAnswer& answer() { return answers().back(); }

  // The field the value being read belongs to (0 when frugal does not read it); an element of
  // a SQuAD array must be an object, so a scalar there is an error.
  unsigned take_key() {
    auto& f = stack_.back();
    if (f.role == Role::Data || f.role == Role::Paragraphs || f.role == Role::Qas || f.role == Role::Answers ||
        f.role == Role::PlausibleAnswers) {
      fail(f.path + "[" + std::to_string(f.count) + "]", "expected an object");
    }
    if (f.role == Role::Skip) return 0;
    return f.key;
  }
  bool skip_element() {
    if (stack_.back().role == Role::Skip) ++stack_.back().count;
    return true;
  }
  // Path of the value being read: the key's or the element's.
  std::string value_path() const {
    const auto& f = stack_.back();
    if (f.role == Role::Skip) return f.path;
    const bool array = f.role == Role::Data || f.role == Role::Paragraphs || f.role == Role::Qas ||
                       f.role == Role::Answers || f.role == Role::PlausibleAnswers;
    return array ? f.path + "[" + std::to_string(f.count) + "]" : child_path(f.path, key_name_);
  }
  void push(Role role, std::string path) {
    // simdjson's DOM parser refuses documents nested deeper than this.
    if (stack_.size() >= simdjson::DEFAULT_MAX_DEPTH) {
      fail(stack_.back().path, "JSON nested deeper than " + std::to_string(simdjson::DEFAULT_MAX_DEPTH) + " levels");
    }
    stack_.push_back(Frame{role, std::move(path)});
  }
  bool integer(std::int64_t value) {
    if (stack_.empty()) fail("", "expected an object");
    const auto field = take_key();
    if (field == kStart) {
      if (value < 0) fail(value_path(), "negative answer_start");
      answer().answer_start = value;
      return true;
    }
    if (field == 0) return skip_element();
    return wrong_type(field);
  }
  bool scalar() {
    if (stack_.empty()) fail("", "expected an object");
    const auto field = take_key();
    if (field == 0) return skip_element();
    return wrong_type(field);
  }
  [[noreturn]] bool wrong_type(unsigned field) {
    const char* expected = field == kData || field == kParagraphs || field == kQas || field == kAnswers ||
                                   field == kPlausible
                               ? "expected an array"
                           : field == kStart      ? "expected an integer"
                           : field == kImpossible ? "expected true or false"
                                                  : "expected a string";
    fail(value_path(), expected);
  }
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    InputLocation where{name_};
    where.path = path.empty() ? "(root)" : path;
    throw InputError(where, what);
  }
  bool expecting(unsigned field) {
    if (stack_.empty()) return false;
    const auto& f = stack_.back();
    if (f.role == Role::Skip || f.key != field) return false;
    take_key();
    return true;
  }
  InputLocation locate(std::size_t offset) { return locate_in_stream(in_, offset, name_); }

  std::istream& in_;
  const std::string& name_;
  const std::function<void(SquadArticle&)>& on_article_;
  std::vector<Frame> stack_;
  std::string key_name_, version_;
  SquadArticle article_;
  bool answers_are_plausible_ = false;
};

}  // namespace

std::string stream_squad(std::istream& in, const std::string& name, const std::function<void(SquadArticle&)>& on_article) {
  SquadSax sax(in, name, on_article);
  nlohmann::json::sax_parse(in, &sax);
  // nlohmann's lexer takes a NUL byte for the end of the input, so a document followed by one
  // (and anything after it) parses; JSON, and simdjson, refuse it.
  in.clear();
  const auto stop = in.tellg();
  if (stop > 0 && in.seekg(stop - std::streamoff(1))) {
    char last = 0;
    if (in.get(last) && last == '\0') {
      throw InputError(locate_in_stream(in, static_cast<std::size_t>(stop) - 1, name), "malformed JSON: a NUL byte after the document");
    }
  }
  return sax.version();
}

std::string stream_squad_file(const std::string& path, const std::function<void(SquadArticle&)>& on_article) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputLocation{path}, "cannot read file");
  return stream_squad(in, path, on_article);
}

}  // namespace frugal
