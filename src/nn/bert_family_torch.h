#pragma once
// The BERT family: BertModel, BertForMaskedLM, BertForSequenceClassification,
// BertForQuestionAnswering (HF's classes and names) and FrugalBertForAnswerSpans (Puri et al.'s
// answer-span scorer), behind the model-family registry (nn/model_family_torch.h).
#include "nn/bert_config.h"
#include "nn/bert_heads_torch.h"
#include "nn/bert_torch.h"
#include "nn/model_family_torch.h"

namespace frugal {

class Model;

inline const Architecture kBertModel = "BertModel";
inline const Architecture kBertForMaskedLM = "BertForMaskedLM";
inline const Architecture kBertForSequenceClassification = "BertForSequenceClassification";
inline const Architecture kBertForQuestionAnswering = "BertForQuestionAnswering";
inline const Architecture kBertForAnswerSpans = "FrugalBertForAnswerSpans";

ModelFamily bert_family();

// The config of a BERT-family model; std::invalid_argument for another family's.
const BertConfig& bert_config_of(const Model& model);
// The answer-span scorer's longest span, in tokens (config "max_span_length", default 30).
std::int64_t max_span_length_of(const Model& model);

}  // namespace frugal
