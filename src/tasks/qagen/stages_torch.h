#pragma once
// The three generation stages and the final SQuAD file, each resumable and shardable:
// a stage writes OUT.partial in chunks (fsync'd, with OUT.partial.done counting finished input
// units), renames it to OUT when done and writes OUT.stats.json; a finished stage (OUT and its
// stats present) is skipped; a killed stage resumes at the next chunk.
#include <nlohmann/json.hpp>
#include <string>

#include "nn/model_dir_torch.h"
#include "nn/precision_torch.h"
#include "tasks/qagen/answer_model_torch.h"
#include "tasks/qagen/cloze_questions.h"
#include "tasks/qagen/keep_rule.h"
#include "tasks/qagen/question_model_torch.h"

namespace frugal {

struct Shard {
  std::size_t index = 0, count = 1;
  static Shard parse(const std::string& text);  // "i/n"; InputError otherwise
  bool owns(std::size_t unit) const { return unit % count == index; }
};

struct StageRun {
  Shard shard;
  std::size_t chunk = 64;  // input units per committed chunk
  bool progress = true;
  int threads = 1;
  Precision precision = Precision::kFp32;  // of the stage's model (--precision)
  torch::Device device = torch::kCPU;      // where the stage's model runs
};

struct FilterOptions {
  KeepRule keep;
  std::size_t max_length = 256, stride = 64, max_answer_length = 30;
};

// paragraphs (SQuAD JSON or text lines) -> answers JSONL
nlohmann::json run_answer_stage(const std::string& model_dir, const std::string& paragraphs, const std::string& out,
                                const AnswerSamplingOptions& sampling, std::size_t max_length, std::size_t stride,
                                const StageRun& run);
// answers JSONL -> questions JSONL (per_answer questions per answer)
nlohmann::json run_question_stage(const std::string& model_dir, const std::string& answers, const std::string& out,
                                  const QuestionSamplingOptions& sampling, const QuestionFeatureOptions& features,
                                  const StageRun& run);
// answers JSONL -> questions JSONL with one rule-based cloze question per answer (no model;
// the records look like run_question_stage's, with question_model "cloze")
nlohmann::json run_cloze_question_stage(const std::string& answers, const std::string& out, const ClozeQuestionOptions& options,
                                        const StageRun& run);
// questions JSONL -> filtered JSONL (every question, with the QA model's answer and the verdict)
nlohmann::json run_filter_stage(const std::string& model_dir, const std::string& questions, const std::string& out,
                                const FilterOptions& options, const StageRun& run);

}  // namespace frugal
