#pragma once
// Answer-span generation inputs (Puri et al. 2020, stage 1): a context alone, [CLS] context [SEP],
// cut into overlapping windows when long, each window labelled with every human answer span it
// contains (the model learns p(span | context); the question is never seen).
#include <cstdint>
#include <string>
#include <vector>

#include "data/squad.h"
#include "text/tokenizer.h"

namespace frugal {

struct AnswerContext {  // one paragraph and its distinct human answers
  std::string id;       // e.g. "a3-p1" (article, paragraph) or a user-given id
  std::string context;
  std::vector<SquadAnswer> answers;
};

// Paragraphs of a SQuAD file, each with its distinct (text, offset) answers.
std::vector<AnswerContext> answer_contexts(const SquadDataset& data);

struct AnswerFeature {
  std::size_t context = 0;  // index into the contexts
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> context_begin, context_end;  // code points per token; -1 for specials
  std::vector<std::pair<std::int32_t, std::int32_t>> gold;  // (start token, end token) of answers inside
};

struct AnswerFeatureOptions {
  std::size_t max_length = 256;
  std::size_t stride = 64;
  std::size_t max_span_length = 30;  // tokens; longer human answers are not targets
};

struct AnswerFeatureStats {
  std::size_t contexts = 0, windows = 0, answers = 0, answers_too_long = 0;
};

std::vector<AnswerFeature> make_answer_features(Tokenizer& tokenizer, const std::vector<AnswerContext>& contexts,
                                                const AnswerFeatureOptions& options, AnswerFeatureStats* stats = nullptr,
                                                int threads = 1);

// Per code point offset 0..n of `text`: false inside a word (a letter or digit on both sides;
// non-ASCII code points count as letters). Generated answers start and end at word edges.
std::vector<bool> answer_word_edges(const std::string& text);

}  // namespace frugal
