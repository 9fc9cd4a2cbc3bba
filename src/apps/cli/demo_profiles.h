#pragma once
// The sizes of `frugal demo`'s runs: how much data each stage sees, the models and their steps.
// default: within 15 minutes on two CPU cores (9 min from the shipped models); full: 25 min from them,
// 51 min with --from-scratch; gpu: one GPU (bf16 autocast, larger models) in about 10 minutes; smoke:
// every stage in seconds (tests).
#include <cstddef>
#include <string>
#include <vector>

#include "tasks/qagen/keep_rule.h"

namespace frugal::cli {

struct DemoProfile {
  std::string name;
  // SQuAD v1.1 dev, by article in file order, round robin A, A, B, B, C: `articles` units of
  // five (0: all), at most `paragraphs_per_article` paragraphs each (0: all).
  std::size_t articles = 0, paragraphs_per_article = 0;
  // Registered QA files (NAME/FILE) whose questions also train the generators and the filter (part A).
  std::vector<std::string> extra_a;
  std::size_t generated_paragraphs = 0;  // of B, given to the generator (0: all)
  std::vector<std::string> corpus_sources;
  std::size_t corpus_docs = 0, vocab = 0;
  std::string bert, gpt2;  // config.json fields of new models
  std::size_t bert_steps = 0, bert_batch = 32, gpt2_steps = 0, gpt2_batch = 16, pretrain_length = 128;
  // Wall-time caps of the two pretraining runs (pretrain --time-budget beside --steps: the steps,
  // or fewer if they would take longer; 0: the steps alone), for a device whose speed is unknown.
  double bert_budget_s = 0, gpt2_budget_s = 0;
  std::size_t generator_epochs = 2, qa_epochs = 2, qa_batch = 16;
  // Measured on the default profile's 4 x 128 reader (docs/results.md): 3e-4 underfits in 2 epochs.
  double qa_lr = 1e-3;
  std::size_t per_context = 4, per_answer = 2, max_length = 256;
  // Round-trip filter: exact (Puri et al.: the filter reader's answer equals the generated one) or
  // f1 (their F1 >= a threshold). On cloze questions F1 >= 0.5 keeps pairs that train a
  // better reader than as many unfiltered ones; exact keeps only short, easy ones (docs/results.md).
  KeepRule filter;
  // gpt2 (trained here, Puri et al.) or cloze (rule-based, Lewis et al. 2019: no generator to
  // train; on two cores its questions train far better readers, docs/results.md).
  std::string question_generator = "gpt2";
  std::string device = "cpu", autocast = "none";
  // Start from the shipped checkpoints (models/bert, models/gpt2) when they are there and no
  // --init is given: the profile's budget then goes to fine-tuning instead of pretraining.
  bool shipped_init = false;
};

// InputError listing the names when `name` is none of them.
DemoProfile demo_profile(const std::string& name);
std::vector<std::string> demo_profile_names();

}  // namespace frugal::cli
