// frugal qagen train-answers | answers | train-questions | questions | filter | run:
// the synthetic QA pipeline of Puri et al. (2020), one stage per command, JSONL between stages
// (tasks/qagen/records.h), and `run` for all stages from a config file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "apps/cli/model_to_train.h"
#include "apps/cli/train_args.h"
#include "apps/cli/qagen_stages.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "nn/device_torch.h"
#include "tasks/qa/qa_features.h"
#include "tasks/qagen/answer_model_torch.h"
#include "tasks/qagen/question_model_torch.h"
#include "text/tokenizer_loader.h"
#include "nn/bert_family_torch.h"
#include "nn/gpt2_family_torch.h"

namespace frugal::cli {
namespace {

struct CommonTrain {
  std::vector<std::string> train;
  std::string dev, init, model_config, tokenizer;
  std::size_t batch_size = 32, max_length = 256, stride = 64;
  std::uint64_t epochs = 2;
  TrainArgs common;
};

void add_common(CLI::App* cmd, CommonTrain& a, const char* init_help) {
  cmd->add_option("--train", a.train, "SQuAD JSON files (or registered names) with human questions")->required();
  cmd->add_option("--dev", a.dev, "SQuAD JSON to report on at the end");
  cmd->add_option("--init", a.init, init_help);
  cmd->add_option("--model-config", a.model_config, "Or a new model with these config.json fields");
  cmd->add_option("--tokenizer", a.tokenizer, "Tokenizer (default: the --init directory's)");
  cmd->add_option("--epochs", a.epochs, "Passes over the training examples")->capture_default_str();
  cmd->add_option("--batch-size", a.batch_size, "Examples per micro-batch")->capture_default_str();
  add_train_options(cmd, a.common, "Output directory (model/, checkpoints/, metrics.jsonl)", false);
}

std::vector<AnswerContext> contexts_of(const std::vector<std::string>& files, const GlobalOptions& global) {
  std::vector<AnswerContext> all;
  for (const auto& f : files) {
    for (auto& c : answer_contexts(read_squad(resolve_data_argument(f, global)))) all.push_back(std::move(c));
  }
  return all;
}

int run_train_answers(const CommonTrain& a, std::int64_t max_span, const GlobalOptions& global) {
  require_seed(a.common);
  const auto device = parse_device(a.common.device);
  const auto tokenizer_path = a.init.empty() ? a.tokenizer : tokenizer_for_model(a.init, a.tokenizer);
  Tokenizer tokenizer = load_tokenizer(tokenizer_path);
  const auto contexts = contexts_of(a.train, global);
  AnswerFeatureOptions fo{a.max_length, a.stride, static_cast<std::size_t>(max_span)};
  AnswerFeatureStats stats;
  const auto features = make_answer_features(tokenizer, contexts, fo, &stats, worker_threads(global.threads));
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (!features[i].gold.empty()) usable.push_back(i);
  }
  spdlog::info("answers: {} contexts, {} answers ({} longer than {} tokens), {} windows, {} with an answer", stats.contexts,
               stats.answers, stats.answers_too_long, max_span, stats.windows, usable.size());
  if (usable.empty()) throw InputError("no training windows with an answer");
  auto model = model_to_train({a.init, a.model_config, a.common.seed, {{"max_span_length", max_span}}}, kBertForAnswerSpans,
                              tokenizer, device);
  model->module()->train();
  auto source = answer_batch_source(features, usable, a.batch_size, max_span_length_of(*model), a.common.seed, model->pad_token_id(), device);
  const auto t = trainer_options(a.common, steps_for_epochs(a.common, a.epochs, source->batches_per_epoch()), false, global);
  const auto result = train(*model, *source, answer_span_loss, [](Model&) { return nlohmann::json{{"loss", 0.0}}; }, t);
  if (result.interrupted) return 128 + SIGTERM;
  copy_tokenizer(tokenizer_path, a.common.out + "/model");
  nlohmann::json summary = {{"steps", result.steps}, {"model", a.common.out + "/model"}, {"train_windows", usable.size()}};
  if (!a.dev.empty()) {
    model->module()->eval();
    const auto dev = contexts_of({a.dev}, global);
    const auto dev_features = make_answer_features(tokenizer, dev, fo, nullptr, worker_threads(global.threads));
    AnswerSamplingOptions so;
    so.greedy = true;
    so.max_length = fo.max_length;
    so.threads = worker_threads(global.threads);
    for (const std::size_t k : {1, 5, 10}) {
      so.per_context = k;
      const auto r = answer_recall(dev, sample_answers(*model, dev, dev_features, so));
      summary["dev"][fmt::format("top{}", k)] = {{"best_f1", r.best_f1}, {"exact_recall", r.exact_recall}, {"contexts", r.contexts}};
    }
  }
  std::cout << summary.dump() << "\n";
  return 0;
}

int run_train_questions(const CommonTrain& a, const QuestionFeatureOptions& qo, const GlobalOptions& global) {
  require_seed(a.common);
  const auto device = parse_device(a.common.device);
  const auto tokenizer_path = a.init.empty() ? a.tokenizer : tokenizer_for_model(a.init, a.tokenizer);
  Tokenizer tokenizer = load_tokenizer(tokenizer_path);
  const auto special = QuestionTokens::of(tokenizer);
  std::vector<QuestionFeature> features;
  std::size_t skipped = 0;
  for (const auto& file : a.train) {
    const auto data = read_squad(resolve_data_argument(file, global));
    for (const auto& q : flatten_squad(data)) {
      if (q.answers.empty()) continue;
      auto f = question_example(tokenizer, special, {q.context, q.answers[0].text, q.answers[0].answer_start}, q.question, qo);
      if (f.ids.empty()) {
        ++skipped;
        continue;
      }
      features.push_back(std::move(f));
    }
  }
  spdlog::info("questions: {} training sequences ({} skipped: answer not found in its context)", features.size(), skipped);
  if (features.empty()) throw InputError("no training questions");
  auto model = model_to_train({a.init, a.model_config, a.common.seed,
                               {{"type_vocab_size", 3}, {"eos_token_id", special.eos}, {"bos_token_id", special.eos}}},
                              kGpt2LMHeadModel, tokenizer, device);
  if (gpt2_config_of(*model).type_vocab_size < 3) throw InputError("the question generator needs type_vocab_size >= 3 (text, answer, question)");
  model->module()->train();
  auto source = question_batch_source(features, a.batch_size, a.common.seed, special.eos, device);
  const auto t = trainer_options(a.common, steps_for_epochs(a.common, a.epochs, source->batches_per_epoch()), false, global);
  const auto result = train(*model, *source, question_lm_loss, [](Model&) { return nlohmann::json{{"loss", 0.0}}; }, t);
  if (result.interrupted) return 128 + SIGTERM;
  copy_tokenizer(tokenizer_path, a.common.out + "/model");
  std::cout << nlohmann::json{{"steps", result.steps}, {"model", a.common.out + "/model"}, {"train_sequences", features.size()}}.dump() << "\n";
  return 0;
}

}  // namespace

void register_qagen_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* qagen = app.add_subcommand("qagen", "Synthetic QA data (Puri et al. 2020): answers -> questions -> round-trip filter");
  qagen->require_subcommand(1);
  set_example(qagen, "  frugal qagen run --config experiments/synthetic-qa/demo.json");

  auto* ta = qagen->add_subcommand("train-answers", "Train the answer-span model on (context, human answers), no questions");
  auto ta_args = std::make_shared<CommonTrain>();
  auto max_span = std::make_shared<std::int64_t>(30);
  add_common(ta, *ta_args, "Start from this model directory (e.g. a `frugal pretrain mlm` BERT)");
  ta->add_option("--max-length", ta_args->max_length, "Tokens per context window")->capture_default_str();
  ta->add_option("--stride", ta_args->stride, "Tokens shared by consecutive windows")->capture_default_str();
  ta->add_option("--max-span-length", *max_span, "Longest answer, in tokens")->capture_default_str();
  set_example(ta, "  frugal qagen train-answers --train part-a.json --init runs/bert/model --epochs 2 --seed 1 --out runs/answers");
  table.add(ta, [ta_args, max_span, &global] { return run_train_answers(*ta_args, *max_span, global); });

  auto* tq = qagen->add_subcommand("train-questions", "Train the GPT-2 question generator on context <sep> answer <sep> question");
  auto tq_args = std::make_shared<CommonTrain>();
  auto qo = std::make_shared<QuestionFeatureOptions>();
  add_common(tq, *tq_args, "Start from this model directory (e.g. a `frugal pretrain lm` GPT-2)");
  tq->add_option("--max-context-tokens", qo->max_context_tokens, "Context window around the answer")->capture_default_str();
  tq->add_option("--max-question-tokens", qo->max_question_tokens, "Longer questions are cut")->capture_default_str();
  set_example(tq, "  frugal qagen train-questions --train part-a.json --init runs/gpt2/model --epochs 2 --seed 1 --out runs/questions");
  table.add(tq, [tq_args, qo, &global] { return run_train_questions(*tq_args, *qo, global); });

  register_qagen_stage_commands(*qagen, table, global);
}

}  // namespace frugal::cli
