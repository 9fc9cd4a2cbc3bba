#include "tasks/qa/qa_features.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.h"
#include "core/parallel.h"
#include "core/utf8.h"
#include "tasks/qa/lexical_match.h"

namespace frugal {

std::vector<QaQuestion> flatten_squad(const SquadDataset& data) {
  std::vector<QaQuestion> out;
  for (std::size_t a = 0; a < data.articles.size(); ++a) {
    const auto& article = data.articles[a];
    for (std::size_t p = 0; p < article.paragraphs.size(); ++p) {
      const auto& paragraph = article.paragraphs[p];
      for (const auto& q : paragraph.qas) {
        QaQuestion x;
        x.id = q.id;
        x.question = q.question;
        x.context = paragraph.context;
        x.title = article.title;
        x.answers = q.answers;
        x.is_impossible = q.is_impossible || q.answers.empty();
        x.article = a;
        x.paragraph = p;
        out.push_back(std::move(x));
      }
    }
  }
  return out;
}

namespace {

std::string cut_question(const Tokenizer& tokenizer, const std::string& question, std::size_t max_tokens) {
  const auto enc = tokenizer.encode(question, false);
  if (enc.ids.size() <= max_tokens) return question;
  const CodePointIndex index(question);
  const auto end_cp = enc.offsets[max_tokens - 1].second;
  return std::string(index.slice(question, 0, end_cp));
}

void label(QaFeature& f, const QaQuestion& q, QaFeatureStats& stats) {
  if (q.is_impossible || q.answers.empty()) return;  // target stays [CLS]
  const auto& answer = q.answers.front();
  const auto begin = answer.answer_start;
  const auto end = begin + static_cast<std::int64_t>(CodePointIndex(answer.text).size());
  std::int32_t first = -1, last = -1;
  std::int32_t window_begin = std::numeric_limits<std::int32_t>::max(), window_end = -1;
  for (std::size_t t = 0; t < f.ids.size(); ++t) {
    if (f.context_begin[t] < 0) continue;
    window_begin = std::min(window_begin, f.context_begin[t]);
    window_end = std::max(window_end, f.context_end[t]);
    if (first < 0 && f.context_end[t] > begin) first = static_cast<std::int32_t>(t);
    if (f.context_begin[t] < end) last = static_cast<std::int32_t>(t);
  }
  if (first < 0 || last < first || begin < window_begin || end > window_end) {
    ++stats.answers_outside_window;
    return;
  }
  f.start = first;
  f.end = last;
}

}  // namespace

std::vector<QaFeature> make_qa_features(Tokenizer& tokenizer, const std::vector<QaQuestion>& questions,
                                        const QaFeatureOptions& options, QaFeatureStats* stats_out, int threads) {
  if (!is_lexical_match_scheme(options.lexical_match_types)) {
    throw InputError(fmt::format("lexical_match_types {}: not a lexical-match scheme (0, 3, 30 or 180)", options.lexical_match_types));
  }
  TruncationOptions truncation;
  truncation.max_length = options.max_length;
  truncation.stride = options.stride;
  truncation.strategy = TruncationStrategy::OnlySecond;
  const auto previous = tokenizer.truncation();
  tokenizer.set_truncation(truncation);
  QaFeatureStats stats;
  auto features = parallel_flat_map<QaFeature>(
      questions.size(), threads, stats,
      [&](std::size_t i, std::vector<QaFeature>& out, QaFeatureStats& local) {
        const auto& q = questions[i];
        const auto question = cut_question(tokenizer, q.question, options.max_question_tokens);
        const auto match = lexical_match_per_code_point(q.context, question, options.lexical_match_types);
        for (auto& w : split_windows(tokenizer.encode_pair(question, q.context, true))) {
          QaFeature f;
          f.question = i;
          f.ids = w.ids;
          f.type_ids = w.type_ids;
          sequence_offsets(w, 1, f.context_begin, f.context_end);
          f.lexical_match.assign(f.ids.size(), kNoLexicalMatch);
          for (std::size_t t = 0; t < f.ids.size(); ++t) {
            const auto begin = f.context_begin[t];
            if (begin >= 0 && static_cast<std::size_t>(begin) < match.size()) f.lexical_match[t] = match[static_cast<std::size_t>(begin)];
          }
          label(f, q, local);
          out.push_back(std::move(f));
        }
        ++local.questions;
        local.unanswerable += q.is_impossible ? 1 : 0;
      },
      [](QaFeatureStats& total, const QaFeatureStats& local) {
        total.questions += local.questions;
        total.unanswerable += local.unanswerable;
        total.answers_outside_window += local.answers_outside_window;
      });
  tokenizer.set_truncation(previous);
  stats.features = features.size();
  if (stats_out) *stats_out = stats;
  return features;
}

namespace {

std::vector<std::size_t> top_indices(const std::vector<float>& v, std::size_t k) {
  std::vector<std::size_t> idx(v.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  k = std::min(k, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                    [&](std::size_t a, std::size_t b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
  idx.resize(k);
  return idx;
}

}  // namespace

QaAnswer decode_answer(const QaQuestion& question, const std::vector<const QaFeature*>& features,
                       const std::vector<std::vector<float>>& start_logits, const std::vector<std::vector<float>>& end_logits,
                       const QaDecodeOptions& options) {
  QaAnswer answer;
  double min_null = std::numeric_limits<double>::infinity();
  std::vector<QaSpan> candidates;
  for (std::size_t fi = 0; fi < features.size(); ++fi) {
    const auto& f = *features[fi];
    const auto& s = start_logits[fi];
    const auto& e = end_logits[fi];
    min_null = std::min(min_null, static_cast<double>(s[0]) + e[0]);
    for (const auto st : top_indices(s, options.n_best)) {
      for (const auto en : top_indices(e, options.n_best)) {
        if (f.context_begin[st] < 0 || f.context_begin[en] < 0 || en < st || en - st + 1 > options.max_answer_length) continue;
        QaSpan span;
        span.start_char = f.context_begin[st];
        span.end_char = f.context_end[en];
        span.score = static_cast<double>(s[st]) + e[en];
        candidates.push_back(span);
      }
    }
  }
  answer.null_score = features.empty() ? 0.0 : min_null;
  // Best first; one entry per character span (overlapping windows propose the same span).
  std::stable_sort(candidates.begin(), candidates.end(), [](const QaSpan& a, const QaSpan& b) { return a.score > b.score; });
  const CodePointIndex index(question.context);
  for (auto& c : candidates) {
    bool seen = false;
    for (const auto& kept : answer.nbest) seen = seen || (kept.start_char == c.start_char && kept.end_char == c.end_char);
    if (seen) continue;
    c.text = std::string(index.slice(question.context, static_cast<std::size_t>(c.start_char), static_cast<std::size_t>(c.end_char)));
    answer.nbest.push_back(c);
    if (answer.nbest.size() >= options.n_best) break;
  }
  // Probabilities: softmax over the n-best, plus the null answer for v2.
  double top = answer.nbest.empty() ? answer.null_score : answer.nbest.front().score;
  if (options.allow_no_answer) top = std::max(top, answer.null_score);
  double z = 0;
  for (const auto& c : answer.nbest) z += std::exp(c.score - top);
  const double null_weight = options.allow_no_answer ? std::exp(answer.null_score - top) : 0.0;
  z += null_weight;
  for (auto& c : answer.nbest) c.probability = z > 0 ? std::exp(c.score - top) / z : 0.0;
  answer.no_answer_probability = options.allow_no_answer && z > 0 ? null_weight / z : 0.0;
  if (!answer.nbest.empty()) answer.text = answer.nbest.front().text;
  if (options.allow_no_answer &&
      (answer.nbest.empty() || answer.null_score - answer.nbest.front().score > options.null_threshold)) {
    answer.text.clear();
  }
  return answer;
}

}  // namespace frugal
