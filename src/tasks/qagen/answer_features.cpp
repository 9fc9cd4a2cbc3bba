#include "tasks/qagen/answer_features.h"

#include <cctype>
#include <set>

#include "core/parallel.h"
#include "core/utf8.h"

namespace frugal {

std::vector<AnswerContext> answer_contexts(const SquadDataset& data) {
  std::vector<AnswerContext> out;
  for (std::size_t a = 0; a < data.articles.size(); ++a) {
    for (std::size_t p = 0; p < data.articles[a].paragraphs.size(); ++p) {
      const auto& paragraph = data.articles[a].paragraphs[p];
      AnswerContext c;
      c.id = "a" + std::to_string(a) + "-p" + std::to_string(p);
      c.context = paragraph.context;
      std::set<std::pair<std::int64_t, std::string>> seen;
      for (const auto& q : paragraph.qas) {
        for (const auto& answer : q.answers) {
          if (seen.insert({answer.answer_start, answer.text}).second) c.answers.push_back(answer);
        }
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<AnswerFeature> make_answer_features(Tokenizer& tokenizer, const std::vector<AnswerContext>& contexts,
                                                const AnswerFeatureOptions& options, AnswerFeatureStats* stats_out,
                                                int threads) {
  TruncationOptions truncation;
  truncation.max_length = options.max_length;
  truncation.stride = options.stride;
  const auto previous = tokenizer.truncation();
  tokenizer.set_truncation(truncation);
  AnswerFeatureStats stats;
  auto features = parallel_flat_map<AnswerFeature>(
      contexts.size(), threads, stats,
      [&](std::size_t i, std::vector<AnswerFeature>& out, AnswerFeatureStats& local) {
        const auto& c = contexts[i];
        auto windows = split_windows(tokenizer.encode(c.context, true));
        std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // answers in code points
        for (const auto& a : c.answers) {
          spans.push_back({a.answer_start, a.answer_start + static_cast<std::int64_t>(CodePointIndex(a.text).size())});
        }
        local.answers += spans.size();
        std::vector<bool> too_long(spans.size(), false);
        for (auto& w : windows) {
          AnswerFeature f;
          f.context = i;
          f.ids = w.ids;
          sequence_offsets(w, 0, f.context_begin, f.context_end);
          for (std::size_t s = 0; s < spans.size(); ++s) {
            std::int32_t first_tok = -1, last_tok = -1;
            std::int64_t lo = -1, hi = -1;
            for (std::size_t t = 0; t < f.ids.size(); ++t) {
              if (f.context_begin[t] < 0) continue;
              if (lo < 0) lo = f.context_begin[t];
              hi = f.context_end[t];
              if (first_tok < 0 && f.context_end[t] > spans[s].first) first_tok = static_cast<std::int32_t>(t);
              if (f.context_begin[t] < spans[s].second) last_tok = static_cast<std::int32_t>(t);
            }
            if (first_tok < 0 || last_tok < first_tok || spans[s].first < lo || spans[s].second > hi) continue;
            if (static_cast<std::size_t>(last_tok - first_tok) >= options.max_span_length) {
              too_long[s] = true;
              continue;
            }
            f.gold.push_back({first_tok, last_tok});
          }
          out.push_back(std::move(f));
        }
        for (const bool t : too_long) local.answers_too_long += t ? 1 : 0;
        ++local.contexts;
      },
      [](AnswerFeatureStats& total, const AnswerFeatureStats& local) {
        total.contexts += local.contexts;
        total.answers += local.answers;
        total.answers_too_long += local.answers_too_long;
      });
  tokenizer.set_truncation(previous);
  stats.windows = features.size();
  if (stats_out) *stats_out = stats;
  return features;
}

std::vector<bool> answer_word_edges(const std::string& text) {
  const CodePointIndex index(text);
  const auto word_char = [&](std::size_t cp) {
    const auto c = static_cast<unsigned char>(text[index.byte_offset(cp)]);
    return c >= 0x80 || std::isalnum(c);
  };
  std::vector<bool> edges(index.size() + 1, true);
  for (std::size_t cp = 1; cp < index.size(); ++cp) edges[cp] = !(word_char(cp - 1) && word_char(cp));
  return edges;
}

}  // namespace frugal
