#pragma once
// Extractive QA inputs: every (question, context) pair becomes one or more windows
// ([CLS] question [SEP] context-window [SEP]) when the context is longer than max_length, the
// windows overlapping by `stride` tokens (HF run_qa's doc_stride). Each window keeps the
// code-point span of every context token so predicted token spans map back to context text.
#include <cstdint>
#include <string>
#include <vector>

#include "data/squad.h"
#include "text/tokenizer.h"

namespace frugal {

struct QaQuestion {  // one question with its context, flattened out of a SQuAD file
  std::string id, question, context, title;
  std::vector<SquadAnswer> answers;
  bool is_impossible = false;
  std::size_t article = 0, paragraph = 0;
};

std::vector<QaQuestion> flatten_squad(const SquadDataset& data);

struct QaFeature {
  std::size_t question = 0;  // index into the flattened questions
  std::vector<std::int32_t> ids, type_ids;
  // Per token: code points [begin, end) of the context it covers; -1 for question and special tokens.
  std::vector<std::int32_t> context_begin, context_end;
  // Per token: its lexical-match id with the question (tasks/qa/lexical_match.h); 0 outside the context.
  std::vector<std::int32_t> lexical_match;
  std::int32_t start = 0, end = 0;  // training target; 0 ([CLS]) when the answer is not in this window
};

struct QaFeatureOptions {
  std::size_t max_length = 384;
  std::size_t stride = 128;
  std::size_t max_question_tokens = 64;
  // The scheme of the per-token lexical-match ids (tasks/qa/lexical_match.h): the model's config
  // "lexical_match_types" (qa_model_torch.h: lexical_match_types_of).
  std::int64_t lexical_match_types = 3;
};

struct QaFeatureStats {
  std::size_t questions = 0, features = 0, answers_outside_window = 0, unanswerable = 0;  // answers_outside_window counts windows
};

// tokenizer: a pair-capable tokenizer (BERT template). Its truncation is set for the call and
// restored after (so the tokenizer must not be shared with another thread meanwhile).
// Note: a window counts the answer as inside only when the whole answer is.
std::vector<QaFeature> make_qa_features(Tokenizer& tokenizer, const std::vector<QaQuestion>& questions,
                                        const QaFeatureOptions& options, QaFeatureStats* stats = nullptr, int threads = 1);

struct QaSpan {
  std::string text;
  std::int64_t start_char = 0, end_char = 0;  // code points of the context
  double score = 0;                           // start logit + end logit
  double probability = 0;                     // softmax over the n-best (and the null answer for v2)
};

struct QaAnswer {
  std::string text;  // "" = no answer (v2)
  std::vector<QaSpan> nbest;
  double null_score = 0;    // best [CLS] start + end over the windows
  double no_answer_probability = 0;
};

struct QaDecodeOptions {
  std::size_t n_best = 20;
  std::size_t max_answer_length = 30;  // tokens
  bool allow_no_answer = false;        // SQuAD v2
  double null_threshold = 0.0;         // v2: no answer when null_score - best_score > threshold
};

// Best spans of one question over all its windows (HF's postprocess_qa_predictions).
// logits: per feature, start and end logits over its tokens.
QaAnswer decode_answer(const QaQuestion& question, const std::vector<const QaFeature*>& features,
                       const std::vector<std::vector<float>>& start_logits, const std::vector<std::vector<float>>& end_logits,
                       const QaDecodeOptions& options);

}  // namespace frugal
