#pragma once
// The model behind `frugal serve`: a frugal QA (BertForQuestionAnswering) or classification
// model directory loaded once at a precision, its tokenizers, and the batch forward the dynamic
// batcher calls. A row's output depends on the row alone: rows are padded to their length
// bucket (nn/fixed_shape_batches.h, as `qa predict` and `classify predict` pad them), products
// run sequence by sequence (nn/linear_torch.h) and every forward runs single-threaded, so a
// response is bit-identical whether its rows were batched or alone, and equal to the CLI's.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apps/serve/dynamic_batcher.h"
#include "nn/model_dir_torch.h"
#include "text/tokenizer.h"

namespace frugal::serve {

enum class ServeTask { kQa, kClassify };
ServeTask parse_serve_task(const std::string& name);  // "qa" | "classify"; InputError otherwise
const char* serve_task_name(ServeTask task);

struct ServedModelOptions {
  std::string dir, tokenizer;  // tokenizer: a vocab.txt / tokenizer.json path
  ServeTask task = ServeTask::kQa;
  std::string device = "cpu", precision = "fp32";
  std::size_t max_length = 0;  // tokens per row (QA window, text); 0: 384 for QA, classify's default
  std::size_t tokenizers = 4;  // tokenizer copies (request threads share them)
};

// Copies of one tokenizer for concurrent request threads (make_qa_features changes a
// tokenizer's truncation for the call).
class TokenizerPool {
 public:
  TokenizerPool(const std::string& path, std::size_t copies);
  class Lease {
   public:
    Lease(TokenizerPool& pool, Tokenizer* tokenizer) : pool_(&pool), tokenizer_(tokenizer) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), tokenizer_(other.tokenizer_) { other.tokenizer_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Tokenizer& operator*() const { return *tokenizer_; }
    Tokenizer* operator->() const { return tokenizer_; }

   private:
    TokenizerPool* pool_;
    Tokenizer* tokenizer_;
  };
  Lease acquire();

 private:
  std::vector<std::unique_ptr<Tokenizer>> all_;
  std::vector<Tokenizer*> free_;
  std::mutex mutex_;
  std::condition_variable released_;
};

class ServedModel {
 public:
  explicit ServedModel(const ServedModelOptions& options);
  ServeTask task() const { return options_.task; }
  const ServedModelOptions& options() const { return options_; }
  Model& model() { return *model_; }
  std::size_t max_length() const { return max_length_; }
  // QA: the scheme of the model's lexical-match features (tasks/qa/lexical_match.h; 0: none).
  std::int64_t lexical_match_types() const { return lexical_match_types_; }
  const std::vector<std::string>& labels() const { return labels_; }  // classify: id2label order
  std::size_t quantized_layers() const { return quantized_layers_; }
  TokenizerPool& tokenizers() { return *tokenizers_; }

  // Rows of this many tokens run padded to this length (the CLI's bucket, or the row's own
  // length for families whose batches follow the rows, e.g. packed RNN sequences).
  std::size_t padded_length(std::size_t tokens) const;
  // Rows per forward that keep a row's bits its own: `wanted`, or 1 for such families.
  std::size_t batch_rows(std::size_t wanted) const;
  // QA: a row's start logits then its end logits (its own tokens only); classify: its logits.
  std::vector<std::vector<float>> forward(const std::vector<const BatchRow*>& rows, std::size_t length);
  // Runs a few random rows batched and alone; false (with what differed) if any bit differs.
  bool batch_invariant(std::string* detail);

 private:
  ServedModelOptions options_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<TokenizerPool> tokenizers_;
  std::vector<std::string> labels_;
  std::size_t max_length_ = 0, quantized_layers_ = 0;
  std::int64_t lexical_match_types_ = 0;
  bool fixed_shape_ = true;
};

}  // namespace frugal::serve
