// Analytic gradients of every module against central finite differences, in double precision.
#include <gtest/gtest.h>

#include <functional>

#include "nn/bert_heads_torch.h"
#include "nn/bert_torch.h"
#include "nn/gpt2_torch.h"

namespace frugal {
namespace {

// For each parameter, up to `probes` entries: |analytic - numeric| <= 1e-6 + 1e-4 |numeric|.
void expect_gradients_match(torch::nn::Module& module, const std::function<torch::Tensor()>& loss, int probes = 4) {
  module.zero_grad();
  loss().backward();
  torch::NoGradGuard no_grad;
  const double eps = 1e-6;
  int checked = 0;
  for (auto& item : module.named_parameters()) {
    auto& p = item.value();
    ASSERT_TRUE(p.grad().defined()) << item.key();
    auto flat = p.view({-1});
    const auto grad = p.grad().reshape({-1});
    for (int k = 0; k < probes; ++k) {
      const auto i = (k * 7919 + 13) % flat.numel();
      const double saved = flat[i].item<double>();
      flat[i].fill_(saved + eps);
      const double up = loss().item<double>();
      flat[i].fill_(saved - eps);
      const double down = loss().item<double>();
      flat[i].fill_(saved);
      const double numeric = (up - down) / (2 * eps);
      const double analytic = grad[i].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-4 * std::abs(numeric)) << item.key() << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

BertConfig bert() {
  BertConfig c;
  c.vocab_size = 20;
  c.hidden_size = 8;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.intermediate_size = 12;
  c.max_position_embeddings = 16;
  c.hidden_dropout_prob = c.attention_probs_dropout_prob = 0;
  c.initializer_range = 0.3;
  return c;
}

Gpt2Config gpt2() {
  Gpt2Config c;
  c.vocab_size = 20;
  c.n_embd = 8;
  c.n_layer = 1;
  c.n_head = 2;
  c.n_positions = 16;
  c.resid_pdrop = c.embd_pdrop = c.attn_pdrop = 0;
  c.initializer_range = 0.3;
  c.type_vocab_size = 3;
  return c;
}

const torch::Tensor kIds = torch::tensor({{1, 5, 7, 3, 0}, {4, 2, 9, 0, 0}}, torch::kLong);
const torch::Tensor kMask = torch::tensor({{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}}, torch::kLong);
const torch::Tensor kTypes = torch::tensor({{0, 0, 1, 1, 1}, {0, 1, 1, 1, 1}}, torch::kLong);

}  // namespace

TEST(GradientCheck, BertForMaskedLM) {
  torch::manual_seed(0);
  const auto c = bert();
  BertForMaskedLM m(c);
  init_bert_weights(*m, c);
  m->to(torch::kFloat64);
  const auto labels = torch::tensor({{-100, 6, -100, 3, -100}, {2, -100, -100, -100, -100}}, torch::kLong);
  expect_gradients_match(*m, [&] {
    const auto logits = m(kIds, kTypes, kMask);
    return torch::nn::functional::cross_entropy(logits.view({-1, c.vocab_size}), labels.view({-1}),
                                                torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  });
}

TEST(GradientCheck, BertClassificationAndQuestionAnswering) {
  torch::manual_seed(1);
  auto c = bert();
  c.num_labels = 3;
  BertForSequenceClassification cls(c);
  init_bert_weights(*cls, c);
  cls->to(torch::kFloat64);
  expect_gradients_match(*cls, [&] { return torch::nn::functional::cross_entropy(cls(kIds, kTypes, kMask), torch::tensor({2, 0})); });
  BertForQuestionAnswering qa(c);
  init_bert_weights(*qa, c);
  qa->to(torch::kFloat64);
  expect_gradients_match(*qa, [&] {
    const auto out = qa(kIds, kTypes, kMask);
    return torch::nn::functional::cross_entropy(out.start, torch::tensor({2, 1})) +
           torch::nn::functional::cross_entropy(out.end, torch::tensor({3, 2}));
  });
}

TEST(GradientCheck, AnswerSpanScorer) {
  torch::manual_seed(2);
  const auto c = bert();
  BertForAnswerSpans m(c, 3);
  init_bert_weights(*m, c);
  m->to(torch::kFloat64);
  const auto allowed = (kTypes == 1) & (kMask == 1);
  const auto target = span_index(torch::tensor({2, 1}), torch::tensor({3, 2}), 3);
  expect_gradients_match(*m, [&] {
    const auto logits = m(kIds, kTypes, kMask, allowed);
    return torch::nn::functional::cross_entropy(logits.view({2, -1}), target);
  });
}

TEST(GradientCheck, Gpt2LMHeadWithTokenTypesAndPadding) {
  torch::manual_seed(3);
  const auto c = gpt2();
  Gpt2LMHeadModel m(c);
  init_gpt2_weights(*m, c);
  m->to(torch::kFloat64);
  const auto labels = torch::tensor({{5, 7, 3, -100}, {2, 9, -100, -100}}, torch::kLong);
  expect_gradients_match(*m, [&] {
    const auto logits = m(Gpt2Inputs{kIds, kTypes, {}, kMask}).slice(1, 0, 4);
    return torch::nn::functional::cross_entropy(logits.reshape({-1, c.vocab_size}), labels.view({-1}),
                                                torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  });
}

}  // namespace frugal
