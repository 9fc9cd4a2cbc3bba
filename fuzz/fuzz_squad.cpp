// libFuzzer target, differential: bytes as SQuAD JSON through the DOM reader (parse_squad,
// simdjson) and the streaming reader (stream_squad, nlohmann's SAX). The two must accept and
// reject the same documents and yield the same articles, paragraphs, questions and answers;
// every rejection is an InputError with a location; an accepted document written back with
// squad_to_json reads back the same.
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "core/error.h"
#include "data/squad.h"
#include "data/squad_stream.h"
#include "fuzz_target.h"

namespace {

bool same_answers(const std::vector<frugal::SquadAnswer>& a, const std::vector<frugal::SquadAnswer>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].answer_start != b[i].answer_start) return false;
  }
  return true;
}

// Field by field; with v2_fields false, is_impossible and plausible_answers are not compared
// (squad_to_json writes them for v2 data only).
std::string difference(const frugal::SquadDataset& a, const frugal::SquadDataset& b, bool v2_fields = true) {
  if (a.version != b.version) return "version";
  if (a.articles.size() != b.articles.size()) return "number of articles";
  for (std::size_t i = 0; i < a.articles.size(); ++i) {
    const auto &x = a.articles[i], &y = b.articles[i];
    if (x.title != y.title || x.paragraphs.size() != y.paragraphs.size()) return "article " + std::to_string(i);
    for (std::size_t j = 0; j < x.paragraphs.size(); ++j) {
      const auto &p = x.paragraphs[j], &q = y.paragraphs[j];
      if (p.context != q.context || p.qas.size() != q.qas.size()) return "paragraph " + std::to_string(j);
      for (std::size_t k = 0; k < p.qas.size(); ++k) {
        const auto &u = p.qas[k], &v = q.qas[k];
        if (u.id != v.id || u.question != v.question || !same_answers(u.answers, v.answers)) return "question " + u.id;
        if (v2_fields && (u.is_impossible != v.is_impossible || !same_answers(u.plausible_answers, v.plausible_answers))) {
          return "v2 fields of question " + u.id;
        }
      }
    }
  }
  return "";
}

}  // namespace

FRUGAL_FUZZ_TARGET(fuzz_squad) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz.json";
  std::optional<frugal::SquadDataset> dom, streamed;
  std::string dom_error, stream_error;
  try {
    dom = frugal::parse_squad(text, name);
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_located(e, name);
    dom_error = e.what();
  }
  try {
    std::istringstream in(text);
    frugal::SquadDataset s;
    s.version = frugal::stream_squad(in, name, [&](frugal::SquadArticle& a) { s.articles.push_back(std::move(a)); });
    streamed = std::move(s);
  } catch (const frugal::InputError& e) {
    frugal::fuzz::expect_located(e, name);
    stream_error = e.what();
  }
  if (dom.has_value() != streamed.has_value()) {
    frugal::fuzz::violated(dom ? "the DOM reader accepts what the stream reader rejects: " + stream_error
                               : "the stream reader accepts what the DOM reader rejects: " + dom_error);
  }
  if (!dom) return;
  const auto differ = difference(*dom, *streamed);
  frugal::fuzz::require(differ.empty(), "the readers disagree on the " + differ);
  const auto again = frugal::parse_squad(frugal::squad_to_json(*dom), "again.json");
  const auto lost = difference(*dom, again, dom->is_v2());
  frugal::fuzz::require(lost.empty(), "squad_to_json loses the " + lost);
}
