#pragma once
// The training loop every frugal model uses: AdamW (no weight decay on biases and LayerNorm),
// warm-up + linear/cosine decay, gradient accumulation and clipping, bf16 autocast on CPU /
// fp16 autocast with dynamic loss scaling on CUDA, periodic evaluation with early stopping,
// atomic checkpoints (model, optimizer, RNG, data position) with exact resume, SIGINT/SIGTERM
// -> checkpoint and exit, a progress bar and JSONL metrics, and data-parallel ranks (c10d).
#include <torch/torch.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "nn/model_dir_torch.h"
#include "train/distributed_torch.h"
#include "train/lr_schedule.h"

namespace frugal {

struct TrainerOptions {
  std::string out_dir;                 // checkpoints/, metrics.jsonl, final model
  LrSchedule lr;                       // total_steps = the number of optimizer steps
  double weight_decay = 0.01;
  double beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;
  std::uint64_t max_epochs = 0;        // 0: stop at lr.total_steps only
  std::size_t grad_accum = 1;          // micro-batches per optimizer step (per rank)
  double clip_norm = 1.0;              // 0: no clipping
  std::string autocast = "none";       // none | bf16 | fp16
  std::uint64_t log_every = 10, eval_every = 0, save_every = 0;
  std::size_t keep_last = 2;
  int patience = 0;                    // evaluations without improvement before stopping; 0: never
  bool resume = true;                  // continue from out_dir/checkpoints/latest when present
  bool progress = true;
  std::uint64_t seed = 0;              // dropout of micro-batch j of step k draws from (seed, k, j)
  std::uint64_t stop_after = 0;        // testing aid: behave as if SIGTERM came after this step
  std::uint64_t pause_after = 0;       // checkpoint after this step and return paused (a planned stop; resume continues)
  std::string data_name;               // names the data in errors ("corpus.txt: no training examples")
  // What a resumed run must share with the checkpoint (options and inputs, see run_lock.h);
  // stored in state.json, compared on resume: a mismatch is refused.
  nlohmann::json fingerprint = nlohmann::json::object();
  // What TrainBatch::tokens counts: the metrics key is `<unit>_per_s` ("images" for image models).
  std::string throughput_unit = "tokens";
  // Hooks of methods that are more than a loss: before_step(model, k) runs before optimizer
  // step k (0-based; e.g. freezing a backbone for the first N steps), after_step(model, k)
  // after it (k steps done; e.g. BYOL's moving-average target). Both see resumed steps alike.
  std::function<void(Model&, std::uint64_t)> before_step, after_step;
  // A learning-rate factor per parameter name (e.g. a pretrained backbone at 0.1 of the head's
  // rate); unset: 1 for all.
  std::function<double(const std::string&)> lr_scale;
  // Extra fields for each metrics line (e.g. collapse diagnostics the loss gathered since the last line).
  std::function<nlohmann::json()> window_metrics;
  bool save_final_model = true;  // write out_dir/model at the end (off: the caller writes what it means)
};

struct TrainBatch {
  ModelBatch inputs;
  torch::Tensor labels;
  torch::Tensor soft_targets;  // optional: a teacher's logits, for distillation
  std::int64_t targets = 0;  // tokens (or examples) the loss averages over
  std::int64_t tokens = 0;   // input tokens, for throughput
  std::uint64_t epoch = 0;
  nlohmann::json after;      // source state that continues after this batch
};

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // The next batch; false at the end of an epoch (the next call starts the next epoch).
  virtual bool next(TrainBatch& batch) = 0;
  virtual void restore(const nlohmann::json& state) = 0;
};

using LossFn = std::function<torch::Tensor(Model&, const TrainBatch&)>;  // mean loss of the batch
using EvalFn = std::function<nlohmann::json(Model&)>;                    // must hold "loss" (lower is better)

struct TrainResult {
  std::uint64_t steps = 0;
  bool interrupted = false;   // a signal (or stop_after) ended the run after a checkpoint
  bool early_stopped = false;
  bool paused = false;        // stopped at pause_after after a checkpoint (no final model)
  double best_eval = 0;
  std::string checkpoint;     // the last one written
};

// Trains until lr.total_steps, max_epochs, early stopping or a signal. The final weights are
// written to out_dir/model (config.json + model.safetensors) by rank 0 unless interrupted.
TrainResult train(Model& model, BatchSource& data, const LossFn& loss, const EvalFn& evaluate,
                  const TrainerOptions& options, DataParallel* parallel = nullptr);

// Parameter names that get no weight decay (biases, LayerNorm weights).
bool no_weight_decay(const std::string& name);

}  // namespace frugal
