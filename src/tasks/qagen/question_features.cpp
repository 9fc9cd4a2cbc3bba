#include "tasks/qagen/question_features.h"

#include <algorithm>
#include <iterator>

#include "core/error.h"
#include "core/utf8.h"

namespace frugal {

QuestionTokens QuestionTokens::of(const Tokenizer& tokenizer) {
  QuestionTokens t;
  t.sep = tokenizer.token_to_id("<sep>");
  t.eos = tokenizer.token_to_id("<|endoftext|>");
  if (t.sep < 0 || t.eos < 0) {
    throw InputError("the question-generation tokenizer needs <sep> and <|endoftext|> tokens "
                     "(frugal tokenize train --type bpe --special-tokens '<|endoftext|>,<sep>')");
  }
  return t;
}

QuestionFeature question_prompt(const Tokenizer& tokenizer, const QuestionTokens& special, const QuestionPrompt& prompt,
                                const QuestionFeatureOptions& options) {
  QuestionFeature f;
  const auto answer_end = prompt.answer_start + static_cast<std::int64_t>(CodePointIndex(prompt.answer).size());
  const auto context = tokenizer.encode(prompt.context, false);
  // Tokens of the answer span inside the context.
  std::int64_t first = -1, last = -1;
  for (std::size_t t = 0; t < context.ids.size(); ++t) {
    const auto [b, e] = context.offsets[t];
    if (static_cast<std::int64_t>(e) > prompt.answer_start && static_cast<std::int64_t>(b) < answer_end) {
      if (first < 0) first = static_cast<std::int64_t>(t);
      last = static_cast<std::int64_t>(t);
    }
  }
  if (first < 0) return f;
  // A window of max_context_tokens centred on the answer.
  const auto n = static_cast<std::int64_t>(context.ids.size());
  const auto width = static_cast<std::int64_t>(options.max_context_tokens);
  std::int64_t begin = 0, end = n;
  if (n > width) {
    begin = std::clamp<std::int64_t>((first + last) / 2 - width / 2, 0, n - width);
    end = begin + width;
  }
  for (auto t = begin; t < end; ++t) {
    f.ids.push_back(context.ids[static_cast<std::size_t>(t)]);
    f.types.push_back(t >= first && t <= last ? kAnswerType : kTextType);
  }
  f.ids.push_back(special.sep);
  f.types.push_back(kAnswerType);
  auto answer = tokenizer.encode(prompt.answer, false).ids;
  if (answer.size() > options.max_answer_tokens) answer.resize(options.max_answer_tokens);
  for (const auto id : answer) {
    f.ids.push_back(id);
    f.types.push_back(kAnswerType);
  }
  f.ids.push_back(special.sep);
  f.types.push_back(kQuestionType);
  f.question_start = f.ids.size();
  return f;
}

QuestionFeature question_example(const Tokenizer& tokenizer, const QuestionTokens& special, const QuestionPrompt& prompt,
                                 const std::string& question, const QuestionFeatureOptions& options) {
  auto f = question_prompt(tokenizer, special, prompt, options);
  if (f.ids.empty()) return f;
  auto q = tokenizer.encode(question, false).ids;
  if (q.size() > options.max_question_tokens) q.resize(options.max_question_tokens);
  for (const auto id : q) {
    f.ids.push_back(id);
    f.types.push_back(kQuestionType);
  }
  f.ids.push_back(special.eos);
  f.types.push_back(kQuestionType);
  return f;
}

// The copy prior's tokens of one prompt: context tokens (before the first <sep>) within `window`
// tokens of the answer span (the context's kAnswerType tokens), minus the answer's own ids.
std::vector<std::int32_t> question_copy_tokens(const QuestionFeature& f, std::int32_t sep, std::size_t window) {
  const auto context_end = static_cast<std::int64_t>(std::find(f.ids.begin(), f.ids.end(), sep) - f.ids.begin());
  std::int64_t first = -1, last = -1;
  for (std::int64_t t = 0; t < context_end; ++t) {
    if (f.types[static_cast<std::size_t>(t)] != kAnswerType) continue;
    if (first < 0) first = t;
    last = t;
  }
  if (first < 0) return {};
  std::vector<std::int32_t> answer(f.ids.begin() + first, f.ids.begin() + last + 1), copy;
  const auto w = static_cast<std::int64_t>(window);
  for (auto t = std::max<std::int64_t>(0, first - w); t < std::min(context_end, last + 1 + w); ++t) {
    if (f.types[static_cast<std::size_t>(t)] == kTextType) copy.push_back(f.ids[static_cast<std::size_t>(t)]);
  }
  std::sort(answer.begin(), answer.end());
  std::sort(copy.begin(), copy.end());
  copy.erase(std::unique(copy.begin(), copy.end()), copy.end());
  std::vector<std::int32_t> out;
  std::set_difference(copy.begin(), copy.end(), answer.begin(), answer.end(), std::back_inserter(out));
  return out;
}

}  // namespace frugal
