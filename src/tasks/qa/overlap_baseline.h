#pragma once
// A lexical baseline for extractive QA, used by `frugal demo` until trained models exist:
// pick the context sentence sharing the most content words with the question, then the
// shortest run of words in it that the question does not contain, nearest to the shared
// words (in the spirit of the sliding-window baselines of Richardson et al. 2013 and the
// SQuAD paper). It needs no training; its scores show the metric working end to end.
#include <string>


namespace frugal {

struct BaselineAnswer {
  std::string text;     // a substring of the context ("" when nothing fits)
  double no_answer_prob = 1.0;  // 1 - share of the question's content words found
};

BaselineAnswer overlap_baseline_answer(const std::string& context, const std::string& question,
                                       std::size_t max_answer_words = 4);

}  // namespace frugal
