#include "tasks/qa/qa_model_torch.h"

#include <algorithm>
#include <numeric>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/json_input.h"
#include "nn/fixed_shape_batches.h"
#include "nn/invariant_inference_torch.h"
#include "text/python_format.h"
#include "nn/bert_family_torch.h"
#include "tasks/qa/lexical_match.h"

namespace frugal {

ModelBatch collate_qa(const std::vector<QaFeature>& features, const std::vector<std::size_t>& indices, std::int64_t pad_id,
                      torch::Device device, std::size_t length) {
  std::vector<const std::vector<std::int32_t>*> ids, types, match;
  for (const auto i : indices) {
    ids.push_back(&features[i].ids);
    types.push_back(&features[i].type_ids);
    match.push_back(&features[i].lexical_match);
  }
  auto batch = collate_rows(ids, types, pad_id, device, length);
  batch.lexical_match = pad_rows(match, kNoLexicalMatch, static_cast<std::size_t>(batch.input_ids.size(1))).to(device);
  return batch;
}

std::unique_ptr<IndexedBatchSource> qa_batch_source(const std::vector<QaFeature>& features, std::size_t batch_size,
                                                    std::uint64_t seed, std::int64_t pad_id, torch::Device device) {
  std::vector<std::size_t> lengths;
  for (const auto& f : features) lengths.push_back(f.ids.size());
  return std::make_unique<IndexedBatchSource>(std::move(lengths), batch_size, seed, [&features, pad_id, device](
                                                                                        const std::vector<std::size_t>& indices,
                                                                                        TrainBatch& batch) {
    batch.inputs = collate_qa(features, indices, pad_id, device);
    auto labels = torch::empty({static_cast<std::int64_t>(indices.size()), 2}, torch::kLong);
    auto la = labels.accessor<std::int64_t, 2>();
    for (std::size_t r = 0; r < indices.size(); ++r) {
      la[static_cast<std::int64_t>(r)][0] = features[indices[r]].start;
      la[static_cast<std::int64_t>(r)][1] = features[indices[r]].end;
    }
    batch.labels = labels.to(device);
    batch.targets = static_cast<std::int64_t>(indices.size());
    batch.tokens = batch.inputs.attention_mask.sum().item<std::int64_t>();
  });
}

std::int64_t lexical_match_types_of(const Model& model) {
  return nlohmann::json::parse(model.config_json()).value("lexical_match_types", std::int64_t{0});
}

torch::Tensor qa_loss(Model& model, const TrainBatch& batch) {
  TORCH_CHECK(model.architecture() == kBertForQuestionAnswering, "QA needs a BertForQuestionAnswering model");
  auto qa = std::static_pointer_cast<BertForQuestionAnsweringImpl>(model.module());
  const auto& in = batch.inputs;
  const auto logits = qa->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.lexical_match);
  // Padding can never be an answer.
  const auto pad = in.attention_mask.eq(0);
  const auto start = logits.start.to(torch::kFloat32).masked_fill(pad, -1e4);
  const auto end = logits.end.to(torch::kFloat32).masked_fill(pad, -1e4);
  return (torch::nn::functional::cross_entropy(start, batch.labels.select(1, 0)) +
          torch::nn::functional::cross_entropy(end, batch.labels.select(1, 1))) / 2.0;
}

std::vector<QaAnswer> predict_answers(Model& model, const std::vector<QaQuestion>& questions,
                                      const std::vector<QaFeature>& features, const QaPredictOptions& options) {
  auto qa = std::static_pointer_cast<BertForQuestionAnsweringImpl>(model.module());
  const auto device = model.module()->parameters().front().device();
  std::vector<std::vector<float>> starts(features.size()), ends(features.size());
  std::vector<std::size_t> lengths;
  for (const auto& f : features) lengths.push_back(f.ids.size());
  // One window per forward: its bits depend on the window alone (nn/fixed_shape_batches.h).
  const auto batches = plan_fixed_shape_batches(lengths, {}, 1, options.max_length);
  run_invariant_batches(batches.size(), options.threads, device, [&](std::size_t b) {
    const auto i = batches[b].slots.front();
    const auto in = collate_qa(features, {i}, model.pad_token_id(), device, batches[b].length);
    const auto logits = qa->forward(in.input_ids, in.token_type_ids, in.attention_mask, in.lexical_match);
    const auto len = static_cast<std::int64_t>(features[i].ids.size());
    const auto s = logits.start[0].narrow(0, 0, len).to(torch::kCPU, torch::kFloat32).contiguous();
    const auto e = logits.end[0].narrow(0, 0, len).to(torch::kCPU, torch::kFloat32).contiguous();
    starts[i].assign(s.data_ptr<float>(), s.data_ptr<float>() + len);
    ends[i].assign(e.data_ptr<float>(), e.data_ptr<float>() + len);
  });
  std::vector<std::vector<std::size_t>> by_question(questions.size());
  for (std::size_t i = 0; i < features.size(); ++i) by_question[features[i].question].push_back(i);
  std::vector<QaAnswer> answers(questions.size());
  for (std::size_t q = 0; q < questions.size(); ++q) {
    std::vector<const QaFeature*> fs;
    std::vector<std::vector<float>> s, e;
    for (const auto i : by_question[q]) {
      fs.push_back(&features[i]);
      s.push_back(starts[i]);
      e.push_back(ends[i]);
    }
    answers[q] = decode_answer(questions[q], fs, s, e, options.decode);
  }
  return answers;
}

void write_qa_predictions(const std::vector<QaQuestion>& questions, const std::vector<QaAnswer>& answers,
                          const std::string& predictions, const std::string& nbest, const std::string& na_probs) {
  std::string p = "{", n = "{", na = "{";
  for (std::size_t q = 0; q < questions.size(); ++q) {
    const char* sep = q == 0 ? "" : ", ";
    p += sep;
    append_json_string(p, questions[q].id);
    p += ": ";
    append_json_string(p, answers[q].text);
    na += sep;
    append_json_string(na, questions[q].id);
    na += ": " + py::float_repr(answers[q].no_answer_probability);
    n += sep;
    append_json_string(n, questions[q].id);
    n += ": [";
    for (std::size_t k = 0; k < answers[q].nbest.size(); ++k) {
      const auto& c = answers[q].nbest[k];
      n += k == 0 ? "{\"text\": " : ", {\"text\": ";
      append_json_string(n, c.text);
      n += ", \"probability\": " + py::float_repr(c.probability) + ", \"score\": " + py::float_repr(c.score) +
           ", \"start\": " + std::to_string(c.start_char) + ", \"end\": " + std::to_string(c.end_char) + "}";
    }
    n += "]";
  }
  write_file_atomic(predictions, p + "}\n");
  if (!nbest.empty()) write_file_atomic(nbest, n + "}\n");
  if (!na_probs.empty()) write_file_atomic(na_probs, na + "}\n");
}

}  // namespace frugal
