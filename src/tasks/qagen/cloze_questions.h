#pragma once
// Rule-based questions from an answer's sentence: the cloze generator of unsupervised QA (Lewis
// et al. 2019, "identity mapping" with a wh-word heuristic). The answer's sentence, cut to a few
// words either side of the answer, loses the answer and gets a wh-word in front:
//   "The Normans were in Normandy in the 10th and 11th centuries."  answer "10th and 11th centuries"
//   -> "When the Normans were in Normandy?"
// The wh-word comes from the answer's surface (numbers, dates, capitals, the preposition before
// it), since frugal has no entity tagger. Such questions are lexically easy, but they need no
// trained generator: on two cores a GPT-2 trained for minutes writes word salad that the
// round-trip filter almost always rejects (docs/results.md).
#include <cstdint>
#include <string>

namespace frugal {

struct ClozeQuestionOptions {
  std::size_t words_each_side = 10;  // sentence words kept before and after the answer
};

// The question for `answer` at code point `answer_start` of `context`; "" when the answer is not
// there or nothing of its sentence is left around it.
std::string cloze_question(const std::string& context, const std::string& answer, std::int64_t answer_start,
                           const ClozeQuestionOptions& options = {});

// "When", "How many", "Where", "Who" or "What" for an answer and the word just before it
// (lower-cased; "" at a sentence start).
std::string cloze_wh_word(const std::string& answer, const std::string& word_before);

}  // namespace frugal
