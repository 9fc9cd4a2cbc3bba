// frugal pretrain mlm|lm: masked-LM (BERT) or causal-LM (GPT-2) training on plain text, from a
// fresh model (--model-config) or a checkpoint (--init: domain adaptation).
// frugal eval mlm|lm: held-out perplexity of a model directory.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/device_torch.h"
#include "nn/model_dir_torch.h"
#include "text/tokenizer_loader.h"
#include "train/distributed_torch.h"
#include "train/pretrain_torch.h"
#include "train/trainer_torch.h"

namespace fs = std::filesystem;

namespace frugal::cli {
namespace {

struct PretrainArgs {
  std::vector<std::string> corpus, eval;
  std::string tokenizer, model_config, init, out, device = "cpu", schedule = "linear", autocast = "none";
  std::size_t max_length = 128, batch_size = 32, grad_accum = 1, window = 16384, keep = 2, eval_batches = 0;
  std::uint64_t steps = 0, epochs = 0, warmup_steps = 0, eval_every = 0, save_every = 0, log_every = 10, seed = 0,
                stop_after = 0;
  double lr = 5e-4, warmup = 0.06, weight_decay = 0.01, clip = 1.0, mask_prob = 0.15;
  int patience = 0;
  bool per_word = false, no_resume = false, seed_given = false;
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

int run_pretrain(PretrainObjective objective, const PretrainArgs& args, const GlobalOptions& global) {
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  if (!args.seed_given) throw InputError("--seed is required: every random choice takes a seed");
  if (args.steps == 0) throw InputError("--steps (optimizer steps; the schedule needs the total) must be positive");
  if (args.model_config.empty() == args.init.empty()) throw InputError("give exactly one of --model-config and --init");
  LrSchedule::check_decay(args.schedule);
  const auto device = parse_device(args.device);
  const auto env = DistributedEnv::from_environment();
  std::unique_ptr<DataParallel> parallel;
  if (env.enabled()) parallel = std::make_unique<DataParallel>(env, device);

  const Tokenizer tokenizer = load_tokenizer(args.tokenizer);
  const auto arch = mlm ? Architecture::kBertForMaskedLM : Architecture::kGpt2LMHeadModel;
  std::unique_ptr<Model> model;
  if (!args.init.empty()) {
    LoadReport report;
    model = std::make_unique<Model>(Model::load_as(args.init, arch, device, &report));
    for (const auto& name : report.missing) spdlog::warn("--init {}: {} not in the checkpoint, freshly initialised", args.init, name);
  } else {
    auto config = nlohmann::json::parse(read_file(args.model_config), nullptr, false);
    if (config.is_discarded() || !config.is_object()) throw InputError(InputLocation{args.model_config}, "not a JSON object");
    if (!config.contains("vocab_size")) config["vocab_size"] = tokenizer.vocab_size();
    if (!mlm) {
      for (const char* key : {"bos_token_id", "eos_token_id"}) {
        if (!config.contains(key)) config[key] = tokenizer.token_to_id("<|endoftext|>") >= 0 ? tokenizer.token_to_id("<|endoftext|>") : 0;
      }
    }
    model = std::make_unique<Model>(arch, config.dump(), args.model_config, args.seed);
    model->to(device, torch::kFloat32);
  }
  if (model->vocab_size() < static_cast<std::int64_t>(tokenizer.vocab_size())) {
    throw InputError(fmt::format("the model's vocabulary ({}) is smaller than the tokenizer's ({})", model->vocab_size(),
                                 tokenizer.vocab_size()));
  }
  if (static_cast<std::int64_t>(args.max_length) > model->max_positions()) {
    throw InputError(fmt::format("--max-length {} exceeds the model's {} positions", args.max_length, model->max_positions()));
  }
  spdlog::info("{}: {} parameters", architecture_name(arch), model->parameter_count());
  model->module()->train();

  auto options = source_options(objective, tokenizer, args.max_length, args.batch_size, args.seed, args.mask_prob, args.per_word,
                                model->pad_token_id());
  options.data.window_examples = args.window;
  PretrainBatchSource source(args.corpus, tokenizer, options, device);
  std::unique_ptr<HeldOutSet> held_out;
  if (!args.eval.empty()) held_out = std::make_unique<HeldOutSet>(args.eval, tokenizer, options, device, args.eval_batches);

  TrainerOptions t;
  t.out_dir = args.out;
  t.lr.peak = args.lr;
  t.lr.total_steps = args.steps;
  t.lr.warmup_steps = args.warmup_steps > 0 ? args.warmup_steps : static_cast<std::uint64_t>(args.warmup * static_cast<double>(args.steps));
  t.lr.decay = args.schedule;
  t.weight_decay = args.weight_decay;
  t.max_epochs = args.epochs;
  t.grad_accum = args.grad_accum;
  t.clip_norm = args.clip;
  t.autocast = args.autocast;
  t.log_every = args.log_every;
  t.eval_every = held_out ? (args.eval_every > 0 ? args.eval_every : args.steps) : 0;
  t.save_every = args.save_every;
  t.keep_last = args.keep;
  t.patience = args.patience;
  t.resume = !args.no_resume;
  t.progress = !global.no_progress;
  t.stop_after = args.stop_after;
  t.seed = args.seed;
  const LossFn loss = mlm ? LossFn(masked_lm_loss) : LossFn(causal_lm_loss);
  const EvalFn evaluate = [&](Model& m) { return held_out ? held_out->evaluate(m) : nlohmann::json{{"loss", 0.0}}; };
  const auto result = train(*model, source, loss, evaluate, t, parallel.get());
  if (source.replaced_lines() > 0) spdlog::warn("{} corpus lines had invalid UTF-8 (replaced by U+FFFD)", source.replaced_lines());
  if (result.interrupted) return 128 + SIGTERM;
  if (env.rank == 0) {
    copy_tokenizer(args.tokenizer, args.out + "/model");
    nlohmann::json summary = {{"steps", result.steps}, {"early_stopped", result.early_stopped}, {"model", args.out + "/model"}};
    model->module()->eval();
    if (held_out) summary["eval"] = held_out->evaluate(*model);
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
  auto result = held_out.evaluate(model);
  result["model"] = args.model;
  std::cout << result.dump() << "\n";
  return 0;
}

void add_pretrain(CLI::App* parent, CommandTable& table, const GlobalOptions& global, PretrainObjective objective) {
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  auto* cmd = parent->add_subcommand(mlm ? "mlm" : "lm", mlm ? "Masked-LM pretraining of a BERT (dynamic whole-word masking)"
                                                             : "Causal-LM pretraining of a GPT-2");
  auto a = std::make_shared<PretrainArgs>();
  cmd->add_option("--corpus", a->corpus, "Plain-text files; a blank line ends a document")->required()->check(CLI::ExistingFile);
  cmd->add_option("--tokenizer", a->tokenizer, "vocab.txt, tokenizer.json or GPT-2/RoBERTa directory")->required();
  cmd->add_option("--model-config", a->model_config, "HF config.json fields of a new model (vocab_size defaults to the tokenizer's)");
  cmd->add_option("--init", a->init, "Continue from this model directory (domain adaptation)");
  cmd->add_option("--out", a->out, "Output directory: checkpoints/, metrics.jsonl, model/ (and best/)")->required();
  cmd->add_option("--steps", a->steps, "Optimizer steps")->required();
  cmd->add_option("--epochs", a->epochs, "Stop after this many passes over the corpus (0: no limit)");
  cmd->add_option("--max-length", a->max_length, "Tokens per example")->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "Examples per micro-batch (per rank)")->capture_default_str();
  cmd->add_option("--grad-accum", a->grad_accum, "Micro-batches per optimizer step")->capture_default_str();
  cmd->add_option("--lr", a->lr, "Peak learning rate")->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Warm-up as a fraction of --steps")->capture_default_str();
  cmd->add_option("--warmup-steps", a->warmup_steps, "Warm-up steps (overrides --warmup)");
  cmd->add_option("--schedule", a->schedule, "linear, cosine or constant decay after warm-up")->capture_default_str();
  cmd->add_option("--weight-decay", a->weight_decay, "AdamW decay (not on biases / LayerNorm)")->capture_default_str();
  cmd->add_option("--clip", a->clip, "Gradient-norm clipping (0: off)")->capture_default_str();
  cmd->add_option("--autocast", a->autocast, "none, bf16 (CPU or CUDA) or fp16 (CUDA, loss scaling)")->capture_default_str();
  cmd->add_option("--eval", a->eval, "Held-out text files: perplexity every --eval-every steps and at the end")->check(CLI::ExistingFile);
  cmd->add_option("--eval-every", a->eval_every, "Steps between evaluations (default: only at the end)");
  cmd->add_option("--eval-batches", a->eval_batches, "Use at most this many held-out batches (0: all)");
  cmd->add_option("--patience", a->patience, "Stop after this many evaluations without improvement (0: never)");
  cmd->add_option("--save-every", a->save_every, "Steps between checkpoints (always one at the end and on SIGTERM)");
  cmd->add_option("--keep", a->keep, "Checkpoints kept")->capture_default_str();
  cmd->add_option("--log-every", a->log_every, "Steps between metrics lines")->capture_default_str();
  cmd->add_option("--window", a->window, "Examples per bucketing/shuffling window (memory bound)")->capture_default_str();
  if (mlm) {
    cmd->add_option("--mask-prob", a->mask_prob, "Masking probability")->capture_default_str();
    cmd->add_flag("--per-word", a->per_word, "One 80/10/10 draw per word (default: per piece, as BERT)");
  }
  cmd->add_option("--seed", a->seed, "Seed of initialisation, order, masking, dropout")->each([a](const std::string&) { a->seed_given = true; });
  cmd->add_option("--device", a->device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_flag("--no-resume", a->no_resume, "Start afresh even if OUT/checkpoints has a checkpoint");
  cmd->add_option("--stop-after", a->stop_after, "Checkpoint and stop after this step, as on SIGTERM (tests)")->group("");
  if (mlm) {
    set_example(cmd, "  frugal pretrain mlm --corpus corpus.txt --tokenizer vocab.txt --model-config small.json \\\n"
                     "      --steps 2000 --batch-size 32 --max-length 128 --eval held-out.txt --seed 1 --out runs/bert-small");
  } else {
    set_example(cmd, "  frugal pretrain lm --corpus corpus.txt --tokenizer gpt2-dir --model-config gpt2-small.json \\\n"
                     "      --steps 2000 --batch-size 16 --max-length 128 --seed 1 --out runs/gpt2-small");
  }
  table.add(cmd, [a, objective, &global] { return run_pretrain(objective, *a, global); });
}

void add_eval(CLI::App* parent, CommandTable& table, PretrainObjective objective) {
  const bool mlm = objective == PretrainObjective::kMaskedLM;
  auto* cmd = parent->add_subcommand(mlm ? "mlm" : "lm", mlm ? "Masked-token perplexity on held-out text" : "Next-token perplexity on held-out text");
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("--model", a->model, "Model directory")->required();
  cmd->add_option("--tokenizer", a->tokenizer, "Tokenizer (default: the one in the model directory)");
  cmd->add_option("--text", a->text, "Held-out text files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--max-length", a->max_length, "Tokens per example")->capture_default_str();
  cmd->add_option("--batch-size", a->batch_size, "Examples per batch")->capture_default_str();
  if (mlm) cmd->add_option("--mask-prob", a->mask_prob, "Masking probability")->capture_default_str();
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
}

void register_lm_eval_commands(CLI::App& eval, CommandTable& table) {
  add_eval(&eval, table, PretrainObjective::kMaskedLM);
  add_eval(&eval, table, PretrainObjective::kCausalLM);
}

}  // namespace frugal::cli
