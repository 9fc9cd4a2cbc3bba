#include "data/squad.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "core/atomic_file.h"
#include "core/json_input.h"
#include "core/rng.h"
#include "core/utf8.h"

namespace frugal {

std::size_t SquadDataset::num_paragraphs() const {
  std::size_t n = 0;
  for (const auto& a : articles) n += a.paragraphs.size();
  return n;
}

std::size_t SquadDataset::num_questions() const {
  std::size_t n = 0;
  for (const auto& a : articles)
    for (const auto& p : a.paragraphs) n += p.qas.size();
  return n;
}

std::size_t SquadDataset::num_unanswerable() const {
  std::size_t n = 0;
  for (const auto& a : articles)
    for (const auto& p : a.paragraphs)
      for (const auto& q : p.qas) n += q.answers.empty();
  return n;
}

bool SquadDataset::is_v2() const {
  const std::string_view v = version;
  return v.rfind("v2", 0) == 0 || v.rfind("2", 0) == 0;
}

SquadDataset sample_questions(const SquadDataset& data, std::size_t n, std::uint64_t seed) {
  std::vector<std::array<std::size_t, 3>> where;
  for (std::size_t a = 0; a < data.articles.size(); ++a) {
    for (std::size_t p = 0; p < data.articles[a].paragraphs.size(); ++p) {
      for (std::size_t q = 0; q < data.articles[a].paragraphs[p].qas.size(); ++q) where.push_back({a, p, q});
    }
  }
  Rng rng(seed);
  rng.shuffle(where.begin(), where.end());
  where.resize(std::min(n, where.size()));
  std::sort(where.begin(), where.end());
  SquadDataset out;
  out.version = data.version;
  for (const auto& [a, p, q] : where) {
    const auto& article = data.articles[a];
    if (out.articles.empty() || out.articles.back().title != article.title) out.articles.push_back({article.title, {}});
    auto& paragraphs = out.articles.back().paragraphs;
    if (paragraphs.empty() || paragraphs.back().context != article.paragraphs[p].context) {
      paragraphs.push_back({article.paragraphs[p].context, {}});
    }
    paragraphs.back().qas.push_back(article.paragraphs[p].qas[q]);
  }
  return out;
}

namespace {

std::vector<SquadAnswer> parse_answers(simdjson::dom::element e, const JsonContext& at) {
  std::vector<SquadAnswer> answers;
  std::size_t m = 0;
  for (auto item : json_array(e, at)) {
    const auto here = at.index(m++);
    const auto obj = json_object(item, here);
    SquadAnswer a;
    a.text = std::string(json_string(json_field(obj, "text", here), here.child("text")));
    const auto start_at = here.child("answer_start");
    a.answer_start = json_int(json_field(obj, "answer_start", here), start_at);
    if (a.answer_start < 0) start_at.fail("negative answer_start");
    answers.push_back(std::move(a));
  }
  return answers;
}

SquadDataset parse_root(simdjson::dom::element root, const std::string& name) {
  const JsonContext top{name, ""};
  const auto root_obj = json_object(root, top);
  SquadDataset data;
  if (json_has(root_obj, "version")) {
    data.version = std::string(json_string(json_field(root_obj, "version", top), top.child("version")));
  }
  const auto data_at = top.child("data");
  std::size_t i = 0;
  for (auto article_el : json_array(json_field(root_obj, "data", top), data_at)) {
    const auto article_at = data_at.index(i++);
    const auto article_obj = json_object(article_el, article_at);
    SquadArticle article;
    if (json_has(article_obj, "title")) {
      article.title = std::string(json_string(json_field(article_obj, "title", article_at), article_at.child("title")));
    }
    const auto paragraphs_at = article_at.child("paragraphs");
    std::size_t j = 0;
    for (auto paragraph_el : json_array(json_field(article_obj, "paragraphs", article_at), paragraphs_at)) {
      const auto paragraph_at = paragraphs_at.index(j++);
      const auto paragraph_obj = json_object(paragraph_el, paragraph_at);
      SquadParagraph paragraph;
      paragraph.context =
          std::string(json_string(json_field(paragraph_obj, "context", paragraph_at), paragraph_at.child("context")));
      const auto qas_at = paragraph_at.child("qas");
      std::size_t k = 0;
      for (auto qa_el : json_array(json_field(paragraph_obj, "qas", paragraph_at), qas_at)) {
        const auto qa_at = qas_at.index(k++);
        const auto qa_obj = json_object(qa_el, qa_at);
        SquadQuestion q;
        q.id = std::string(json_string(json_field(qa_obj, "id", qa_at), qa_at.child("id")));
        q.question = std::string(json_string(json_field(qa_obj, "question", qa_at), qa_at.child("question")));
        q.answers = parse_answers(json_field(qa_obj, "answers", qa_at), qa_at.child("answers"));
        if (json_has(qa_obj, "is_impossible")) {
          bool impossible = false;
          if (json_field(qa_obj, "is_impossible", qa_at).get(impossible)) {
            qa_at.child("is_impossible").fail("expected true or false");
          }
          q.is_impossible = impossible;
        }
        if (json_has(qa_obj, "plausible_answers")) {
          q.plausible_answers =
              parse_answers(json_field(qa_obj, "plausible_answers", qa_at), qa_at.child("plausible_answers"));
        }
        paragraph.qas.push_back(std::move(q));
      }
      article.paragraphs.push_back(std::move(paragraph));
    }
    data.articles.push_back(std::move(article));
  }
  return data;
}

void append_answers(std::string& out, const std::vector<SquadAnswer>& answers) {
  out += '[';
  for (std::size_t m = 0; m < answers.size(); ++m) {
    if (m) out += ", ";
    out += "{\"text\": ";
    append_json_string(out, answers[m].text);
    out += ", \"answer_start\": " + std::to_string(answers[m].answer_start) + "}";
  }
  out += ']';
}

}  // namespace

SquadDataset parse_squad(std::string_view json, const std::string& name) {
  simdjson::dom::parser parser;
  return parse_root(parse_json_text(parser, json, name), name);
}

SquadDataset read_squad(const std::string& path) {
  simdjson::dom::parser parser;
  return parse_root(parse_json_file(parser, path), path);
}

namespace {

void append_article(std::string& out, const SquadArticle& article, bool v2) {
  out += "{\"title\": ";
  append_json_string(out, article.title);
  out += ", \"paragraphs\": [";
  for (std::size_t j = 0; j < article.paragraphs.size(); ++j) {
    const auto& paragraph = article.paragraphs[j];
    if (j) out += ", ";
    out += "{\"context\": ";
    append_json_string(out, paragraph.context);
    out += ", \"qas\": [";
    for (std::size_t k = 0; k < paragraph.qas.size(); ++k) {
      const auto& q = paragraph.qas[k];
      if (k) out += ", ";
      out += "{\"answers\": ";
      append_answers(out, q.answers);
      out += ", \"question\": ";
      append_json_string(out, q.question);
      out += ", \"id\": ";
      append_json_string(out, q.id);
      if (v2) {
        out += q.is_impossible ? ", \"is_impossible\": true" : ", \"is_impossible\": false";
        if (!q.plausible_answers.empty()) {
          out += ", \"plausible_answers\": ";
          append_answers(out, q.plausible_answers);
        }
      }
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
}

void append_version(std::string& out, const std::string& version) {
  out += ']';
  if (!version.empty()) {
    out += ", \"version\": ";
    append_json_string(out, version);
  }
  out += '}';
}

}  // namespace

std::string squad_to_json(const SquadDataset& data) {
  const bool v2 = data.is_v2();
  std::string out;
  out.reserve(1 << 20);
  out += "{\"data\": [";
  for (std::size_t i = 0; i < data.articles.size(); ++i) {
    if (i) out += ", ";
    append_article(out, data.articles[i], v2);
  }
  append_version(out, data.version);
  return out;
}

SquadWriter::SquadWriter(const std::string& path, std::string version)
    : file_(path), version_(std::move(version)), v2_(SquadDataset{version_, {}}.is_v2()) {
  file_.write("{\"data\": [");
}

void SquadWriter::add(const SquadArticle& article) {
  std::string text = articles_ ? ", " : "";
  append_article(text, article, v2_);
  file_.write(text);
  ++articles_;
}

void SquadWriter::commit() {
  std::string text;
  append_version(text, version_);
  file_.write(text);
  file_.commit();
}

void write_squad(const SquadDataset& data, const std::string& path) { write_file_atomic(path, squad_to_json(data)); }

std::vector<SquadProblem> validate_squad(const SquadDataset& data) {
  std::vector<SquadProblem> problems;
  std::unordered_set<std::string> seen_ids;
  auto check_answers = [&](const std::vector<SquadAnswer>& answers, const std::string& where, const std::string& id,
                           const std::string& context, const CodePointIndex& index) {
    for (std::size_t m = 0; m < answers.size(); ++m) {
      const auto& a = answers[m];
      const std::string loc = where + "[" + std::to_string(m) + "]";
      const auto length = count_code_points(a.text);
      const auto start = static_cast<std::size_t>(a.answer_start);
      if (start + length > index.size()) {
        problems.push_back({loc, id,
                            "answer_start " + std::to_string(start) + " + " + std::to_string(length) +
                                " code points runs past the context (" + std::to_string(index.size()) + ")"});
        continue;
      }
      const auto found = index.slice(context, start, start + length);
      if (found != a.text) {
        problems.push_back({loc, id,
                            "text \"" + a.text + "\" differs from the context at answer_start " + std::to_string(start) +
                                ": \"" + std::string(found) + "\""});
      }
    }
  };
  for (std::size_t i = 0; i < data.articles.size(); ++i) {
    const auto& article = data.articles[i];
    for (std::size_t j = 0; j < article.paragraphs.size(); ++j) {
      const auto& paragraph = article.paragraphs[j];
      const CodePointIndex index(paragraph.context);
      for (std::size_t k = 0; k < paragraph.qas.size(); ++k) {
        const auto& q = paragraph.qas[k];
        const std::string where =
            "data[" + std::to_string(i) + "].paragraphs[" + std::to_string(j) + "].qas[" + std::to_string(k) + "]";
        if (!seen_ids.insert(q.id).second) problems.push_back({where, q.id, "duplicate question id"});
        if (q.is_impossible && !q.answers.empty()) {
          problems.push_back({where, q.id, "is_impossible but has answers"});
        }
        check_answers(q.answers, where + ".answers", q.id, paragraph.context, index);
        check_answers(q.plausible_answers, where + ".plausible_answers", q.id, paragraph.context, index);
      }
    }
  }
  return problems;
}

}  // namespace frugal
