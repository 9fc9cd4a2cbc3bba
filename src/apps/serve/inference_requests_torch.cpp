#include "apps/serve/inference_requests_torch.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "apps/serve/server_metrics.h"
#include "tasks/classify/classify_model_torch.h"
#include "tasks/classify/text_examples.h"

namespace frugal::serve {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Queues a request's rows and waits for them; 503 on timeout (the rows leave the queue).
std::vector<std::vector<float>> run_rows(std::vector<BatchRow> rows, RequestServices& services) {
  auto job = std::make_shared<BatchJob>(std::move(rows));
  services.batcher->submit(job);
  if (!job->wait_for(services.limits.timeout)) {
    job->cancel();
    throw RequestError(503, "timeout", fmt::format("no answer within {} ms (the server is overloaded)", services.limits.timeout.count()));
  }
  if (!job->error().empty()) throw RequestError(500, "backend", job->error());
  return job->outputs();
}

void check_tokens(std::size_t tokens, std::size_t input, RequestServices& services) {
  const auto limit = services.limits.max_input_tokens;
  if (limit > 0 && tokens > limit) {
    throw RequestError(422, "validation",
                       fmt::format("inputs[{}] has {} tokens, more than the {} allowed (--max-input-tokens)", input, tokens, limit));
  }
}

nlohmann::json span_json(const std::string& text, double score, std::int64_t start, std::int64_t end) {
  return {{"answer", text}, {"score", score}, {"start", start}, {"end", end}};
}

}  // namespace

nlohmann::json answer_questions(const QaRequest& request, RequestServices& services, RequestStats& stats) {
  auto& model = *services.model;
  std::vector<QaQuestion> questions;
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    QaQuestion q;
    q.id = std::to_string(i);
    q.question = request.inputs[i].question;
    q.context = request.inputs[i].context;
    questions.push_back(std::move(q));
  }
  auto windows = services.qa.windows;
  windows.max_length = model.max_length();
  windows.lexical_match_types = model.lexical_match_types();
  const auto tokenize_start = Clock::now();
  std::vector<QaFeature> features;
  {
    auto tokenizer = model.tokenizers().acquire();
    for (std::size_t i = 0; i < questions.size(); ++i) {
      const auto tokens = std::min(tokenizer->encode(questions[i].question, false).size(), windows.max_question_tokens) +
                          tokenizer->encode(questions[i].context, false).size();
      check_tokens(tokens, i, services);
      stats.tokens += tokens;
    }
    features = make_qa_features(*tokenizer, questions, windows, nullptr, 1);
  }
  if (services.metrics != nullptr) services.metrics->tokenization_duration.observe(seconds_since(tokenize_start));
  std::vector<BatchRow> rows;
  for (const auto& f : features) rows.push_back({f.ids, f.type_ids, model.padded_length(f.ids.size()), f.lexical_match});
  stats.inputs = questions.size();
  stats.rows = rows.size();
  const auto outputs = run_rows(std::move(rows), services);

  std::vector<std::vector<std::size_t>> by_question(questions.size());
  for (std::size_t i = 0; i < features.size(); ++i) by_question[features[i].question].push_back(i);
  nlohmann::json answers = nlohmann::json::array();
  for (std::size_t q = 0; q < questions.size(); ++q) {
    std::vector<const QaFeature*> fs;
    std::vector<std::vector<float>> starts, ends;
    for (const auto i : by_question[q]) {
      const auto n = features[i].ids.size();
      fs.push_back(&features[i]);
      starts.emplace_back(outputs[i].begin(), outputs[i].begin() + static_cast<std::ptrdiff_t>(n));
      ends.emplace_back(outputs[i].begin() + static_cast<std::ptrdiff_t>(n), outputs[i].end());
    }
    const auto answer = decode_answer(questions[q], fs, starts, ends, services.qa.decode);
    nlohmann::json spans = nlohmann::json::array();
    if (answer.text.empty()) spans.push_back(span_json("", answer.no_answer_probability, 0, 0));
    for (const auto& s : answer.nbest) {
      if (spans.size() >= request.top_k) break;
      spans.push_back(span_json(s.text, s.probability, s.start_char, s.end_char));
    }
    if (spans.empty()) spans.push_back(span_json("", 0.0, 0, 0));  // a context with no span at all
    answers.push_back(request.top_k > 1 ? spans : spans[0]);
  }
  return request.list ? answers : answers[0];
}

nlohmann::json classify_texts(const TextRequest& request, RequestServices& services, RequestStats& stats) {
  auto& model = *services.model;
  std::vector<TextExample> examples;
  for (const auto& in : request.inputs) examples.push_back({in.text, in.pair, "", 0});
  const auto tokenize_start = Clock::now();
  std::vector<EncodedText> encoded;
  {
    auto tokenizer = model.tokenizers().acquire();
    // Untruncated lengths first: an over-long input is refused unless the request says truncate.
    if (!request.truncate) {
      const auto limit = services.limits.max_input_tokens > 0 ? std::min(services.limits.max_input_tokens, model.max_length())
                                                              : model.max_length();
      for (std::size_t i = 0; i < examples.size(); ++i) {
        const auto& e = examples[i];
        const auto n = (e.pair.empty() ? tokenizer->encode(e.text) : tokenizer->encode_pair(e.text, e.pair)).size();
        if (n > limit) {
          throw RequestError(422, "validation", fmt::format("inputs[{}] has {} tokens, more than the {} allowed; send \"truncate\": true to cut it",
                                                            i, n, limit));
        }
      }
    }
    encoded = encode_texts(*tokenizer, examples, model.max_length(), 1);
  }
  if (services.metrics != nullptr) services.metrics->tokenization_duration.observe(seconds_since(tokenize_start));
  std::vector<BatchRow> rows;
  for (auto& e : encoded) {
    stats.tokens += e.ids.size();
    rows.push_back({e.ids, e.type_ids, model.padded_length(e.ids.size())});
  }
  stats.inputs = stats.rows = rows.size();
  const auto outputs = run_rows(std::move(rows), services);
  nlohmann::json all = nlohmann::json::array();
  const auto& labels = model.labels();
  for (const auto& logits : outputs) {
    // Softmax in fp32 as torch::softmax computes it for classify predict.
    const auto probs = torch::softmax(torch::tensor(logits), 0);
    std::vector<std::size_t> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    const auto* p = probs.data_ptr<float>();
    std::stable_sort(order.begin(), order.end(), [p](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    nlohmann::json ranked = nlohmann::json::array();
    const auto k = request.top_k == 0 ? order.size() : std::min(request.top_k, order.size());
    for (std::size_t i = 0; i < k; ++i) {
      const auto label = order[i] < labels.size() ? labels[order[i]] : std::to_string(order[i]);
      ranked.push_back({{"label", label}, {"score", p[order[i]]}});
    }
    all.push_back(std::move(ranked));
  }
  return request.list ? all : all[0];
}

nlohmann::json tokenize_texts(const TextRequest& request, RequestServices& services, RequestStats& stats) {
  nlohmann::json all = nlohmann::json::array();
  auto tokenizer = services.model->tokenizers().acquire();
  for (const auto& in : request.inputs) {
    const auto e = in.pair.empty() ? tokenizer->encode(in.text, request.add_special_tokens)
                                   : tokenizer->encode_pair(in.text, in.pair, request.add_special_tokens);
    nlohmann::json tokens = nlohmann::json::array();
    for (std::size_t t = 0; t < e.size(); ++t) {
      tokens.push_back({{"id", e.ids[t]},
                        {"text", e.tokens[t]},
                        {"special", e.special_tokens_mask[t] != 0},
                        {"start", e.offsets[t].first},
                        {"stop", e.offsets[t].second}});
    }
    stats.tokens += e.size();
    all.push_back(std::move(tokens));
  }
  stats.inputs = request.inputs.size();
  return all;
}

}  // namespace frugal::serve
