#pragma once
// Question generation inputs (Puri et al. 2020, stage 2) for the GPT-2 decoder:
//   context <sep> answer <sep> question <eos>
// with token types 0 = context text, 1 = answer (the answer's span inside the context too, and
// the first <sep>), 2 = question (the second <sep>, the question, <eos>). Long contexts are cut
// to a window of max_context_tokens around the answer. The loss is on the question and <eos>.
#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace frugal {

inline constexpr std::int32_t kTextType = 0, kAnswerType = 1, kQuestionType = 2;

struct QuestionPrompt {  // a (context, answer) pair to generate for
  std::string context;
  std::string answer;
  std::int64_t answer_start = 0;  // code points
};

struct QuestionFeature {
  std::vector<std::int32_t> ids, types;
  std::size_t question_start = 0;  // index of the first question token (after the second <sep>)
};

struct QuestionFeatureOptions {
  std::size_t max_context_tokens = 192;
  std::size_t max_answer_tokens = 32;
  std::size_t max_question_tokens = 48;
};

struct QuestionTokens {
  std::int32_t sep = -1, eos = -1;
  static QuestionTokens of(const Tokenizer& tokenizer);  // <sep> and <|endoftext|> (InputError if absent)
};

// The prompt part (through the second <sep>); empty ids when the answer is not in the context.
QuestionFeature question_prompt(const Tokenizer& tokenizer, const QuestionTokens& special, const QuestionPrompt& prompt,
                                const QuestionFeatureOptions& options);
// Prompt + question + <eos> for training.
QuestionFeature question_example(const Tokenizer& tokenizer, const QuestionTokens& special, const QuestionPrompt& prompt,
                                 const std::string& question, const QuestionFeatureOptions& options);

// The copy prior's token ids for a prompt (QuestionSamplingOptions::copy_bonus): the context's
// tokens within `window` tokens of the answer span, minus the answer's own ids; sorted, unique.
std::vector<std::int32_t> question_copy_tokens(const QuestionFeature& prompt, std::int32_t sep, std::size_t window);

}  // namespace frugal
