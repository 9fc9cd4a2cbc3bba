// frugal qa train | predict (the qa command and its baseline: cmd_qa_baseline.cpp): extractive QA (BERT span model) on SQuAD JSON, with sliding windows
// over long contexts, n-best decoding and no-answer scoring for SQuAD v2.0.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "apps/cli/model_to_train.h"
#include "apps/cli/qa_window_options.h"
#include "apps/cli/train_args.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "nn/device_torch.h"
#include "nn/precision_torch.h"
#include "tasks/qa/lexical_match.h"
#include "tasks/qa/qa_model_torch.h"
#include "tasks/qa/squad_eval.h"
#include "text/tokenizer_loader.h"
#include "nn/bert_family_torch.h"

namespace frugal::cli {
namespace {

struct QaTrainArgs {
  std::vector<std::string> train;
  std::string dev, init, model_config, tokenizer;
  std::size_t batch_size = 32;
  std::uint64_t epochs = 2;
  bool lexical_match = false;
  std::int64_t lexical_match_types = kLexicalDistanceMatchTypes;
  WindowArgs window;
  TrainArgs common;
};

struct QaPredictArgs {
  std::string model, data, out, nbest, na_probs, tokenizer, device = "cpu", precision = "fp32";
  bool version2 = false;
  WindowArgs window;
};

std::vector<QaQuestion> load_questions(const std::vector<std::string>& files, const GlobalOptions& global, bool* v2) {
  std::vector<QaQuestion> all;
  for (const auto& f : files) {
    const auto data = read_squad(resolve_data_argument(f, global));
    if (v2 != nullptr && data.is_v2()) *v2 = true;
    auto qs = flatten_squad(data);
    for (auto& q : qs) all.push_back(std::move(q));
  }
  return all;
}

nlohmann::json squad_scores(const SquadDataset& data, const std::vector<QaQuestion>& questions, const std::vector<QaAnswer>& answers,
                            bool v2) {
  SquadPredictions predictions;
  std::vector<NaProb> na;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    predictions[questions[i].id] = answers[i].text;
    na.push_back({questions[i].id, answers[i].no_answer_probability, false});
  }
  SquadEvalOptions options;
  if (v2) options.na_probs = na;
  const auto result = evaluate_squad(data, predictions, options);
  return nlohmann::json::parse(format_squad_eval(result, false));
}

int run_qa_train(const QaTrainArgs& args, const GlobalOptions& global) {
  require_seed(args.common);
  const auto device = parse_device(args.common.device);
  const auto tokenizer_path = args.init.empty() ? args.tokenizer : tokenizer_for_model(args.init, args.tokenizer);
  if (tokenizer_path.empty()) throw InputError("--tokenizer is needed with --model-config");
  Tokenizer tokenizer = load_tokenizer(tokenizer_path);
  // Before the data: a wrong --init / --model-config fails at once.
  ModelStart start{args.init, args.model_config, args.common.seed};
  if (args.lexical_match) start.forced_fields["lexical_match_types"] = args.lexical_match_types;
  auto model = model_to_train(start, kBertForQuestionAnswering, tokenizer, device);
  auto window = args.window.features();
  window.lexical_match_types = lexical_match_types_of(*model);
  model->check_length(args.window.max_length);
  model->module()->train();
  bool v2 = false;
  const auto questions = load_questions(args.train, global, &v2);
  QaFeatureStats stats;
  const auto features = make_qa_features(tokenizer, questions, window, &stats, worker_threads(global.threads));
  spdlog::info("train: {} questions ({} without answer) -> {} windows; {} windows without the answer (labelled [CLS])",
               stats.questions, stats.unanswerable, stats.features, stats.answers_outside_window);
  if (features.empty()) throw InputError("no training questions");


  std::optional<SquadDataset> dev;
  std::vector<QaQuestion> dev_questions;
  std::vector<QaFeature> dev_features;
  bool dev_v2 = false;
  if (!args.dev.empty()) {
    dev = read_squad(resolve_data_argument(args.dev, global));
    dev_v2 = dev->is_v2();
    dev_questions = flatten_squad(*dev);
    dev_features = make_qa_features(tokenizer, dev_questions, window, nullptr, worker_threads(global.threads));
  }
  QaPredictOptions predict;
  predict.max_length = args.window.max_length;
  predict.threads = worker_threads(global.threads);
  predict.decode = args.window.decode(dev_v2);

  auto source_ptr = qa_batch_source(features, args.batch_size, args.common.seed, model->pad_token_id(), device);
  auto& source = *source_ptr;
  const auto t = trainer_options(args.common, steps_for_epochs(args.common, args.epochs, source.batches_per_epoch()), dev.has_value(), global);
  const EvalFn evaluate = [&](Model& m) -> nlohmann::json {
    if (!dev) return {{"loss", 0.0}};
    auto scores = squad_scores(*dev, dev_questions, predict_answers(m, dev_questions, dev_features, predict), dev_v2);
    scores["loss"] = -scores.at("f1").get<double>();  // the trainer minimises
    return scores;
  };
  const auto result = train(*model, source, qa_loss, evaluate, t, nullptr);
  if (result.interrupted) return 128 + SIGTERM;
  copy_tokenizer(tokenizer_path, args.common.out + "/model");
  if (dev) copy_tokenizer(tokenizer_path, args.common.out + "/best");
  nlohmann::json summary = {{"steps", result.steps}, {"train_questions", stats.questions}, {"train_windows", stats.features},
                            {"model", args.common.out + "/model"}};
  if (dev) {
    model->module()->eval();
    summary["dev"] = evaluate(*model);
    summary["dev"].erase("loss");
    summary["best_dev_f1"] = -result.best_eval;
  }
  std::cout << summary.dump() << "\n";
  return 0;
}

int run_qa_predict(const QaPredictArgs& args, const GlobalOptions& global) {
  const auto device = parse_device(args.device);
  auto model = Model::load(args.model, device);
  if (model.architecture() != kBertForQuestionAnswering) {
    throw InputError(InputLocation{args.model + "/config.json"}, "is a " + model.architecture() +
                                                                    ", not a BertForQuestionAnswering");
  }
  model.check_length(args.window.max_length);
  to_precision(model, device, parse_precision(args.precision));
  model.module()->eval();
  Tokenizer tokenizer = load_tokenizer(tokenizer_for_model(args.model, args.tokenizer));
  bool v2 = args.version2;
  const auto questions = load_questions({args.data}, global, &v2);
  QaFeatureStats stats;
  auto window = args.window.features();
  window.lexical_match_types = lexical_match_types_of(model);
  const auto features = make_qa_features(tokenizer, questions, window, &stats, worker_threads(global.threads));
  QaPredictOptions options;
  options.max_length = args.window.max_length;
  options.threads = worker_threads(global.threads);
  options.decode = args.window.decode(v2);
  const auto answers = predict_answers(model, questions, features, options);
  write_qa_predictions(questions, answers, args.out, args.nbest, args.na_probs);
  std::cerr << fmt::format("{}: {} questions, {} windows{}\n", args.out, questions.size(), features.size(),
                           v2 ? " (SQuAD v2.0: empty answer = no answer)" : "");
  return 0;
}

}  // namespace

void register_qa_model_commands(CLI::App& qa, CommandTable& table, const GlobalOptions& global) {
  auto* train_cmd = qa.add_subcommand("train", "Fine-tune a BERT span model (from an MLM checkpoint or from scratch)");
  auto a = std::make_shared<QaTrainArgs>();
  train_cmd->add_option("--train", a->train, "SQuAD JSON files (or registered names)")->required();
  train_cmd->add_option("--dev", a->dev, "SQuAD JSON scored (EM/F1) every --eval-every steps and at the end");
  train_cmd->add_option("--init", a->init, "Start from this model directory (e.g. `frugal pretrain mlm` output)");
  train_cmd->add_option("--model-config", a->model_config, "Or a new model with these BertConfig fields");
  train_cmd->add_option("--tokenizer", a->tokenizer, "Tokenizer (default: the one in the --init directory)");
  train_cmd->add_option("--epochs", a->epochs, "Passes over the training windows")->capture_default_str();
  train_cmd->add_option("--batch-size", a->batch_size, "Windows per micro-batch")->capture_default_str();
  auto* lexical = train_cmd->add_flag("--lexical-match", a->lexical_match,
                      "Add lexical-match features (frugal extension, after DrQA): each context token's word occurs in the question "
                      "(as a stop word / a content word), how many of the question's content words its sentence holds, and how far "
                      "it is from one, as an embedding; the model keeps them (config lexical_match_types)");
  train_cmd->add_option("--lexical-match-types", a->lexical_match_types,
                        "With --lexical-match: 180 = word x sentence x distance to a match (default), 30 = word x "
                        "sentence, 3 = word match only (tasks/qa/lexical_match.h)")
      ->check(CLI::IsMember({kLexicalMatchTypes, kLexicalSentenceMatchTypes, kLexicalDistanceMatchTypes}))
      ->needs(lexical)
      ->capture_default_str();
  a->common.lr = 5e-5;
  add_train_options(train_cmd, a->common, "Output directory: model/, best/ (with --dev), checkpoints/, metrics.jsonl", true);
  add_window_options(train_cmd, a->window);
  set_example(train_cmd, "  frugal qa train --train squad-v1.1-dev --init runs/bert-small/model --epochs 2 --seed 1 --out runs/qa");
  table.add(train_cmd, [a, &global] { return run_qa_train(*a, global); });

  auto* predict = qa.add_subcommand("predict", "Answer the questions of a SQuAD JSON file: predictions (and n-best, na-probs)");
  auto p = std::make_shared<QaPredictArgs>();
  predict->add_option("--model", p->model, "A BertForQuestionAnswering model directory")->required();
  predict->add_option("--data", p->data, "SQuAD JSON (or a registered name)")->required();
  predict->add_option("--out", p->out, "predictions.json: {id: answer}")->required();
  predict->add_option("--nbest", p->nbest, "n-best JSON: {id: [{text, probability, score, start, end}]}");
  predict->add_option("--na-probs", p->na_probs, "v2: {id: no-answer probability} for frugal eval squad --na-prob");
  predict->add_flag("--version2", p->version2, "Allow no answer even if the data file does not say v2");
  predict->add_option("--tokenizer", p->tokenizer, "Tokenizer (default: the model directory's)");
  predict->add_option("--device", p->device, "cpu, cuda, cuda:N")->capture_default_str();
  predict->add_option("--precision,--dtype", p->precision, "fp32, bf16, fp16 (norms, softmax and masks stay fp32) or int8 (CPU)")->capture_default_str();
  add_window_options(predict, p->window);
  set_example(predict, "  frugal qa predict --model runs/qa/model --data squad-v2.0-dev --out preds.json --na-probs na.json\n"
                       "  frugal eval squad squad-v2.0-dev preds.json --na-prob na.json");
  table.add(predict, [p, &global] { return run_qa_predict(*p, global); });
}

}  // namespace frugal::cli
