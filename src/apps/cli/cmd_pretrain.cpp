// frugal pretrain mlm|lm|electra: masked-LM (BERT), causal-LM (GPT-2) or ELECTRA (a BERT
// discriminator with a small generator) training on plain text, from a fresh model
// (--model-config) or a checkpoint (--init: domain adaptation, or more ELECTRA steps).
// frugal eval mlm|lm: held-out perplexity of a model directory.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "apps/cli/model_to_train.h"
#include "apps/cli/train_args.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/model_dir_torch.h"
#include "text/tokenizer_loader.h"
#include "train/distributed_torch.h"
#include "train/electra_torch.h"
#include "train/pretrain_torch.h"
#include "train/time_budget_torch.h"
#include "train/trainer_torch.h"
#include "nn/bert_family_torch.h"
#include "nn/electra_family_torch.h"
#include "nn/gpt2_family_torch.h"

namespace fs = std::filesystem;

namespace frugal::cli {
namespace {

struct PretrainArgs {
  std::vector<std::string> corpus, eval;
  std::string tokenizer, model_config, init;
  std::size_t max_length = 128, batch_size = 32, window = 16384, eval_batches = 0;
  std::uint64_t steps = 0, epochs = 0;
  double time_budget = 0;  // seconds of wall time instead of --steps (0: --steps)
  double mask_prob = 0.15;
  bool per_word = false;
  std::string generator_config;      // electra: generator fields (JSON file)
  double discriminator_weight = 50;  // electra: the paper's lambda
  TrainArgs train;
};

struct EvalArgs {
  std::vector<std::string> text;
  std::string model, tokenizer, device = "cpu", dtype = "float32";
  std::size_t max_length = 128, batch_size = 32;
  double mask_prob = 0.15;
  std::uint64_t seed = 0;
};

PretrainSourceOptions source_options(PretrainObjective objective, const Tokenizer& tokenizer, std::size_t max_length,
                                     std::size_t batch_size, std::uint64_t seed, double mask_prob, bool per_word,
                                     std::int64_t pad_id) {
  PretrainSourceOptions o;
  o.data.objective = objective;
  o.data.max_length = max_length;
  o.data.batch_size = batch_size;
  o.data.seed = seed;
  if (objective == PretrainObjective::kMaskedLM) o.mlm = mlm_options_for(tokenizer, mask_prob, per_word);
  o.pad_id = pad_id;
  return o;
}

// InputError unless every tokenizer id and --max-length fit the model.
void check_model_fits(const Model& model, const Tokenizer& tokenizer, std::size_t max_length) {
  if (model.vocab_size() < static_cast<std::int64_t>(tokenizer.vocab_size())) {
    throw InputError(fmt::format("the model's vocabulary ({}) is smaller than the tokenizer's ({})", model.vocab_size(),
                                 tokenizer.vocab_size()));
  }
  model.check_length(max_length);
}

// The corpus batches and trainer options every pretraining objective shares.
PretrainSourceOptions corpus_options(PretrainObjective objective, const Tokenizer& tokenizer, const PretrainArgs& args,
                                     std::int64_t pad_id) {
  auto options = source_options(objective, tokenizer, args.max_length, args.batch_size, args.train.seed, args.mask_prob,
                                args.per_word, pad_id);
  options.data.window_examples = args.window;
  return options;
}

TrainerOptions corpus_trainer_options(const PretrainArgs& args, std::uint64_t steps, bool evaluates, const GlobalOptions& global) {
  TrainerOptions t = trainer_options(args.train, steps, evaluates, global);
  t.data_name = fmt::format("{}", fmt::join(args.corpus, ", "));
  t.max_epochs = args.epochs;
  return t;
}

using Clock = std::chrono::steady_clock;

void check_length_given(const PretrainArgs& args) {
  if (args.steps == 0 && args.time_budget <= 0) {
    throw InputError("give --steps (optimizer steps; the schedule needs the total) or --time-budget (wall time)");
  }
}

// What a pretraining run on the corpus is made of, for train_on_corpus.
struct CorpusRun {
  const PretrainArgs& args;
  const Tokenizer& tokenizer;
  const PretrainSourceOptions& options;
  torch::Device device;
  DataParallel* parallel;
  const LossFn& loss;
  const EvalFn& evaluate;
  bool evaluates;  // --eval given: the calibration times an evaluation
  std::function<std::unique_ptr<Model>()> make_model;                   // a fresh copy (calibration)
  std::function<TrainerOptions(std::uint64_t steps)> trainer_options;   // of a run of `steps`
};

// Trains `model` for --steps, or for --time-budget by a plan (calibrated on a throwaway copy,
// then planned again while the schedule allows: train_planned; the plan goes into
// summary["time_budget"]). Warns of the corpus lines with invalid UTF-8.
TrainResult train_on_corpus(const CorpusRun& run, Model& model, Clock::time_point started, int rank, nlohmann::json& summary) {
  const auto& args = run.args;
  std::unique_ptr<PretrainBatchSource> source;
  const TrainSegment segment = [&](std::uint64_t steps, std::uint64_t warmup, std::uint64_t pause_after, bool continuing) {
    if (!source) source = std::make_unique<PretrainBatchSource>(args.corpus, run.tokenizer, run.options, run.device);
    TrainerOptions t = run.trainer_options(steps);
    t.lr.warmup_steps = warmup;
    t.pause_after = pause_after;
    if (continuing) t.resume = true;
    return train(model, *source, run.loss, run.evaluate, t, run.parallel);
  };
  TrainResult result;
  if (args.time_budget > 0) {
    auto plan = time_budget_plan(args.train, args.time_budget, args.steps, started, rank == 0, [&] {
      auto throwaway = run.make_model();
      PretrainBatchSource data(args.corpus, run.tokenizer, run.options, run.device);
      return calibrate_training(*throwaway, data, run.loss, run.evaluates ? &run.evaluate : nullptr, run.trainer_options(1),
                                run.parallel, args.time_budget, args.steps);
    });
    const auto schedule = run.trainer_options(plan.steps).lr;  // its decay and cooldown
    result = train_planned(plan, started, args.train.out, rank == 0, &schedule, run.parallel, segment);
    summary["time_budget"] = plan.to_json();
  } else {
    result = segment(args.steps, warmup_steps_of(args.train, args.steps), 0, false);
  }
  if (source->replaced_lines() > 0) spdlog::warn("{} corpus lines had invalid UTF-8 (replaced by U+FFFD)", source->replaced_lines());
  return result;
}

int run_pretrain(PretrainObjective objective, const PretrainArgs& args, const GlobalOptions& global) {
  const auto started = Clock::now();
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  require_seed(args.train);
  check_length_given(args);
  const auto device = parse_device(args.train.device);
  const auto env = DistributedEnv::from_environment();
  std::unique_ptr<DataParallel> parallel;
  if (env.enabled()) parallel = std::make_unique<DataParallel>(env, device);

  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  const auto arch = mlm ? kBertForMaskedLM : kGpt2LMHeadModel;
  ModelStart start{args.init, args.model_config, args.train.seed};
  if (!mlm) {
    const auto eot = tokenizer.token_to_id("<|endoftext|>");
    start.new_model_defaults = {{"bos_token_id", eot >= 0 ? eot : 0}, {"eos_token_id", eot >= 0 ? eot : 0}};
  }
  const auto make_model = [&] {
    auto m = model_to_train(start, arch, tokenizer, device);
    check_model_fits(*m, tokenizer, args.max_length);
    m->module()->train();
    return m;
  };
  auto model = make_model();
  spdlog::info("{}: {} parameters", arch, model->parameter_count());

  const auto options = corpus_options(objective, tokenizer, args, model->pad_token_id());
  std::unique_ptr<HeldOutSet> held_out;
  if (!args.eval.empty()) held_out = std::make_unique<HeldOutSet>(args.eval, tokenizer, options, device, args.eval_batches);
  const LossFn loss = mlm ? LossFn(masked_lm_loss) : LossFn(causal_lm_loss);
  const EvalFn evaluate = [&](Model& m) { return held_out ? held_out->evaluate(m) : nlohmann::json{{"loss", 0.0}}; };
  const CorpusRun run{args, tokenizer, options, device, parallel.get(), loss, evaluate, held_out != nullptr, make_model,
                      [&](std::uint64_t steps) { return corpus_trainer_options(args, steps, held_out != nullptr, global); }};
  nlohmann::json summary;
  const auto result = train_on_corpus(run, *model, started, env.rank, summary);
  if (result.interrupted) return 128 + SIGTERM;
  if (env.rank == 0) {
    copy_tokenizer(args.tokenizer, args.train.out + "/model");
    summary.update({{"steps", result.steps}, {"early_stopped", result.early_stopped}, {"model", args.train.out + "/model"}});
    model->module()->eval();
    if (held_out) summary["eval"] = held_out->evaluate(*model);
    summary["seconds"] = std::chrono::duration<double>(Clock::now() - started).count();
    std::cout << summary.dump() << "\n";
  }
  return 0;
}

// ELECTRA: the model is the discriminator + generator pair (OUT/electra, what --init continues);
// OUT/model is the discriminator alone, a BertModel checkpoint (HF's BertModel loads it).
int run_pretrain_electra(const PretrainArgs& args, const GlobalOptions& global) {
  const auto started = Clock::now();
  require_seed(args.train);
  check_length_given(args);
  if (args.init.empty() == args.model_config.empty()) throw InputError("give exactly one of --init and --model-config");
  const auto device = parse_device(args.train.device);
  const auto env = DistributedEnv::from_environment();
  std::unique_ptr<DataParallel> parallel;
  if (env.enabled()) parallel = std::make_unique<DataParallel>(env, device);
  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  const auto make_model = [&] {
    std::unique_ptr<Model> m;
    if (!args.init.empty()) {
      m = model_to_train({args.init, "", args.train.seed}, kElectraForPreTraining, tokenizer, device);
    } else {
      auto discriminator = parse_config_json(read_file(args.model_config), args.model_config);
      if (!discriminator.contains("vocab_size")) discriminator["vocab_size"] = tokenizer.vocab_size();
      const auto generator = args.generator_config.empty() ? nlohmann::json::object()
                                                           : parse_config_json(read_file(args.generator_config), args.generator_config);
      m = std::make_unique<Model>(kElectraForPreTraining, electra_config(discriminator, generator).dump(), args.model_config,
                                  args.train.seed);
      m->to(device, torch::kFloat32);
    }
    check_model_fits(*m, tokenizer, args.max_length);
    m->module()->train();
    return m;
  };
  auto model = make_model();
  const auto config = nlohmann::json::parse(model->config_json());
  spdlog::info("{}: {} parameters (generator hidden {} x {} layers, discriminator hidden {} x {} layers)", kElectraForPreTraining,
               model->parameter_count(), config["generator"]["hidden_size"].get<std::int64_t>(),
               config["generator"]["num_hidden_layers"].get<std::int64_t>(), config["discriminator"]["hidden_size"].get<std::int64_t>(),
               config["discriminator"]["num_hidden_layers"].get<std::int64_t>());

  const auto options = corpus_options(PretrainObjective::kMaskedLM, tokenizer, args, model->pad_token_id());
  std::unique_ptr<HeldOutSet> held_out;
  if (!args.eval.empty()) held_out = std::make_unique<HeldOutSet>(args.eval, tokenizer, options, device, args.eval_batches);
  // The two losses of the window since the last metrics line, next to their weighted sum; summed
  // on the device and read once per metrics line (no host sync per micro-batch).
  torch::Tensor window_generator, window_discriminator;
  std::size_t window_batches = 0;
  const double weight = args.discriminator_weight;
  const LossFn loss = [&](Model& m, const TrainBatch& b) {
    const auto r = electra_loss(m, b, weight);
    const auto g = r.generator.detach(), d = r.discriminator.detach();
    window_generator = window_batches == 0 ? g : window_generator + g;
    window_discriminator = window_batches == 0 ? d : window_discriminator + d;
    ++window_batches;
    return r.total;
  };
  const std::function<nlohmann::json()> window_metrics = [&]() {
    if (window_batches == 0) return nlohmann::json::object();
    const auto n = static_cast<double>(window_batches);
    nlohmann::json j = {{"generator_loss", window_generator.item<double>() / n},
                        {"discriminator_loss", window_discriminator.item<double>() / n}};
    window_batches = 0;
    return j;
  };
  const std::uint64_t eval_seed = args.train.seed;
  const EvalFn evaluate = [&](Model& m) {
    return held_out ? evaluate_electra(m, *held_out, weight, eval_seed) : nlohmann::json{{"loss", 0.0}};
  };
  const CorpusRun run{args, tokenizer, options, device, parallel.get(), loss, evaluate, held_out != nullptr, make_model,
                      [&](std::uint64_t steps) {
                        TrainerOptions t = corpus_trainer_options(args, steps, held_out != nullptr, global);
                        t.save_final_model = false;
                        t.window_metrics = window_metrics;
                        return t;
                      }};
  nlohmann::json summary;
  const auto result = train_on_corpus(run, *model, started, env.rank, summary);
  if (result.interrupted) return 128 + SIGTERM;
  if (env.rank == 0) {
    const auto& out = args.train.out;
    model->save(out + "/electra");
    copy_tokenizer(args.tokenizer, out + "/electra");
    electra_discriminator(*model).save(out + "/model");
    copy_tokenizer(args.tokenizer, out + "/model");
    summary.update({{"steps", result.steps}, {"model", out + "/model"}, {"electra", out + "/electra"}});
    model->module()->eval();
    if (held_out) summary["eval"] = evaluate_electra(*model, *held_out, weight, eval_seed);
    summary["seconds"] = std::chrono::duration<double>(Clock::now() - started).count();
    std::cout << summary.dump() << "\n";
  }
  return 0;
}

int run_eval(PretrainObjective objective, const EvalArgs& args) {
  const auto device = parse_device(args.device);
  auto model = Model::load(args.model, device);
  model.to(device, parse_dtype(args.dtype));
  model.module()->eval();
  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  auto options = source_options(objective, tokenizer, args.max_length, args.batch_size, args.seed, args.mask_prob, false,
                                model.pad_token_id());
  HeldOutSet held_out(args.text, tokenizer, options, device);
  nlohmann::json result;
  if (model.architecture() == kElectraForPreTraining) {
    // The generator is the masked LM; the discriminator's accuracy comes with it.
    result = evaluate_electra(model, held_out, PretrainArgs{}.discriminator_weight, args.seed);
    result["perplexity"] = std::exp(result["generator_loss"].get<double>());
    result["accuracy"] = result["generator_accuracy"];
  } else {
    result = held_out.evaluate(model);
  }
  result["model"] = args.model;
  std::cout << result.dump() << "\n";
  return 0;
}

void add_pretrain(CLI::App* parent, CommandTable& table, const GlobalOptions& global, PretrainObjective objective,
                  bool electra = false) {
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  auto* cmd = parent->add_subcommand(electra ? "electra" : mlm ? "mlm" : "lm",
                                     electra ? "ELECTRA pretraining: a BERT discriminator detects the tokens a small masked-LM generator replaced"
                                     : mlm   ? "Masked-LM pretraining of a BERT (dynamic whole-word masking)"
                                             : "Causal-LM pretraining of a GPT-2");
  auto a = std::make_shared<PretrainArgs>();
  cmd->add_option("--corpus", a->corpus, "Plain-text files; a blank line ends a document")->required()->check(CLI::ExistingFile);
  cmd->add_option("--tokenizer", a->tokenizer, "vocab.txt, tokenizer.json or GPT-2/RoBERTa directory")->required();
  cmd->add_option("--model-config", a->model_config, "HF config.json fields of a new model (vocab_size defaults to the tokenizer's)");
  cmd->add_option("--init", a->init, "Continue from this model directory (domain adaptation)");
  cmd->add_option("--steps", a->steps, "Optimizer steps (with --time-budget: at most this many)");
  add_time_budget_option(cmd, a->time_budget, /*replans=*/true);
  cmd->add_option("--epochs", a->epochs, "Stop after this many passes over the corpus (0: no limit)");
  cmd->add_option("--max-length", a->max_length, "Tokens per example")->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "Examples per micro-batch (per rank)")->capture_default_str();
  cmd->add_option("--eval", a->eval, "Held-out text files: perplexity every --eval-every steps and at the end")->check(CLI::ExistingFile);
  cmd->add_option("--eval-batches", a->eval_batches, "Use at most this many held-out batches (0: all)");
  cmd->add_option("--window", a->window, "Examples per bucketing/shuffling window (memory bound)")->capture_default_str();
  if (mlm) {
    cmd->add_option("--mask-prob", a->mask_prob, "Masking probability")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--per-word", a->per_word, "One 80/10/10 draw per word (default: per piece, as BERT)");
  }
  if (electra) {
    cmd->add_option("--generator-config", a->generator_config,
                    "JSON file of the generator's BERT fields (default: a quarter of the discriminator's width, heads and FFN)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--discriminator-weight", a->discriminator_weight, "Weight of the replaced-token loss (the paper's lambda)")
        ->capture_default_str();
  }
  a->train.lr = 5e-4;
  a->train.warmup = 0.06;
  a->train.log_every = 10;
  add_train_options(cmd, a->train, "Output directory: checkpoints/, metrics.jsonl, model/ (and best/)", true);
  if (electra) {
    set_example(cmd, "  frugal pretrain electra --corpus corpus.txt --tokenizer vocab.txt --model-config small.json \\\n"
                     "      --steps 2000 --batch-size 32 --max-length 128 --eval held-out.txt --seed 1 --out runs/electra-small\n"
                     "  frugal qa train --train squad.json --init runs/electra-small/model --seed 1 --out runs/qa");
  } else if (mlm) {
    set_example(cmd, "  frugal pretrain mlm --corpus corpus.txt --tokenizer vocab.txt --model-config small.json \\\n"
                     "      --steps 2000 --batch-size 32 --max-length 128 --eval held-out.txt --seed 1 --out runs/bert-small");
  } else {
    set_example(cmd, "  frugal pretrain lm --corpus corpus.txt --tokenizer gpt2-dir --model-config gpt2-small.json \\\n"
                     "      --steps 2000 --batch-size 16 --max-length 128 --seed 1 --out runs/gpt2-small");
  }
  table.add(cmd, [a, objective, electra, &global] { return electra ? run_pretrain_electra(*a, global) : run_pretrain(objective, *a, global); });
}

void add_eval(CLI::App* parent, CommandTable& table, PretrainObjective objective) {
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  auto* cmd = parent->add_subcommand(mlm ? "mlm" : "lm", mlm ? "Masked-token perplexity and accuracy on held-out text (an ELECTRA model: its generator's, and the discriminator's accuracy)"
                                                             : "Next-token perplexity and accuracy on held-out text");
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("--model", a->model, "Model directory")->required();
  cmd->add_option("--tokenizer", a->tokenizer, "Tokenizer (default: the one in the model directory)");
  cmd->add_option("--text", a->text, "Held-out text files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--max-length", a->max_length, "Tokens per example")->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "Examples per batch")->capture_default_str();
  if (mlm) cmd->add_option("--mask-prob", a->mask_prob, "Masking probability")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", a->seed, "Seed of the masking (same seed = same masked positions)")->capture_default_str();
  cmd->add_option("--device", a->device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "float32, bfloat16, float16")->capture_default_str();
  set_example(cmd, mlm ? "  frugal eval mlm --model runs/bert-small/model --text held-out.txt"
                       : "  frugal eval lm --model runs/gpt2-small/model --text held-out.txt");
  table.add(cmd, [a, objective] {
    a->tokenizer = tokenizer_for_model(a->model, a->tokenizer);
    return run_eval(objective, *a);
  });
}

}  // namespace

void register_pretrain_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* pretrain = app.add_subcommand("pretrain", "Pretrain or domain-adapt a language model on plain text");
  pretrain->require_subcommand(1);
  set_example(pretrain, "  frugal pretrain mlm --corpus corpus.txt --tokenizer vocab.txt --model-config small.json \\\n"
                        "      --steps 2000 --seed 1 --out runs/bert-small\n"
                        "  frugal pretrain mlm --init runs/bert-small/model --corpus reviews.txt --tokenizer vocab.txt \\\n"
                        "      --steps 500 --seed 1 --out runs/bert-reviews   # domain adaptation");
  add_pretrain(pretrain, table, global, PretrainObjective::kMaskedLM);
  add_pretrain(pretrain, table, global, PretrainObjective::kCausalLM);
  add_pretrain(pretrain, table, global, PretrainObjective::kMaskedLM, /*electra=*/true);
}

void register_lm_eval_commands(CLI::App& eval, CommandTable& table) {
  add_eval(&eval, table, PretrainObjective::kMaskedLM);
  add_eval(&eval, table, PretrainObjective::kCausalLM);
}

}  // namespace frugal::cli
