#pragma once
// What `classify train` and `distill train` share: the options, the model a run starts from
// (a BERT classifier or an RNN student, new or --init, with its word embeddings trained from
// scratch, copied from a teacher or read from word2vec), the dev evaluation and the run itself.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/cli/train_args.h"
#include "tasks/classify/classify_model_torch.h"
#include "tasks/classify/text_examples.h"

namespace frugal::cli {

struct ClassifierArgs {
  std::string train, dev, arch = "bilstm", model_config, init, tokenizer, embeddings_from;
  bool freeze_embeddings = false;
  TextColumns columns;
  std::size_t batch_size = 32, max_length = 0;  // 0: classify_max_length
  std::uint64_t epochs = 3;
  TrainArgs common;
};

// How a trained classifier is run over TSV rows (classify eval | predict, distill label).
struct ClassifierInferenceArgs {
  TextColumns columns;
  std::size_t batch_size = 32, max_length = 0;  // 0: classify_max_length
  std::string device = "cpu", precision = "fp32";
};

// --text-column, --text-pair-column, (with_label) --label-column, --batch-size, --max-length,
// --device, --precision (alias --dtype).
void add_classifier_inference_options(CLI::App* cmd, ClassifierInferenceArgs& a, bool with_label);

// --train, --dev, --arch, --model-config, --init, --tokenizer, --embeddings-from,
// --freeze-embeddings, the column names, --batch-size, --max-length, --epochs and the trainer's.
void add_classifier_options(CLI::App* cmd, ClassifierArgs& a);

// The arch's model: bert -> BertForSequenceClassification (needs --init or --model-config);
// bilstm / lstm / gru -> the RNN student with that arch's defaults under --model-config's fields.
// The label set goes into the config (id2label, label2id, num_labels).
std::unique_ptr<Model> classifier_to_train(const ClassifierArgs& a, const LabelSet& labels, const Tokenizer& tokenizer,
                                           torch::Device device);

// The tokenizer a run uses: --tokenizer, else --init's, else --embeddings-from's (a model
// directory), else `fallback` (distillation: the teacher's); InputError when none.
std::string classifier_tokenizer(const ClassifierArgs& a, const std::string& fallback = {});

// Trains `model` on the encoded rows with `loss`, evaluating accuracy on --dev; writes
// out/model (and out/best with --dev) with the tokenizer; prints a JSON summary. Returns the
// exit code (128 + SIGTERM when interrupted).
// `model` gets a's effective --max-length (checked against its positions) before encoding.
int run_classifier_training(const ClassifierArgs& a, Model& model, const std::string& tokenizer_path, const LabelSet& labels,
                            const std::vector<EncodedText>& train, const std::vector<std::int64_t>& train_labels,
                            const torch::Tensor& teacher_logits, const LossFn& loss, nlohmann::json summary,
                            const GlobalOptions& global);

}  // namespace frugal::cli
