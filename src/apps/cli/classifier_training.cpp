#include "apps/cli/classifier_training.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "apps/cli/model_files.h"
#include "apps/cli/model_to_train.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/strings.h"
#include "core/text_lines.h"
#include "nn/bert_family_torch.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/rnn_family_torch.h"
#include "nn/safetensors_torch.h"
#include "tasks/classify/classify_metrics.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

// The students' shapes: Tang et al.'s BiLSTM (RnnConfig's defaults), and the deeper LSTM / GRU
// with locked dropout 0.25, attention pooling and an MLP with batch norm.
nlohmann::json student_defaults(const std::string& arch) {
  if (arch == "bilstm") return nlohmann::json::object();
  nlohmann::json j = {{"cell", arch}, {"num_layers", arch == "lstm" ? 3 : 2}, {"hidden_size", 384}, {"pooling", "attention"},
                      {"dropout", 0.25}, {"classifier_hidden", {512}}, {"classifier_batch_norm", true}};
  return j;
}


// The word-embedding table of a model directory (BERT's word_embeddings, GPT-2's wte).
torch::Tensor teacher_embeddings(const std::string& dir) {
  const auto path = dir + "/model.safetensors";
  for (auto& [name, tensor] : load_safetensors(path)) {
    if (ends_with(name, "word_embeddings.weight") || name == "wte.weight" || name == "transformer.wte.weight") {
      return tensor.to(torch::kFloat32);
    }
  }
  throw InputError(InputLocation{path}, "no word-embedding tensor (*word_embeddings.weight or wte.weight)");
}

// word2vec's text format: an optional "COUNT DIM" line, then "word v1 ... vDIM" per line. Rows
// of tokens the file has are filled (exact match, else the lower-cased token); the rest keep
// their initialisation. Returns (table, tokens found).
std::pair<torch::Tensor, std::size_t> word2vec_embeddings(const std::string& path, const Tokenizer& tokenizer, torch::Tensor table) {
  std::size_t found = 0, dim = 0;
  std::vector<bool> filled(static_cast<std::size_t>(table.size(0)), false);
  torch::NoGradGuard no_grad;
  auto rows = table.accessor<float, 2>();
  for_each_line(path, [&](std::string& line, std::uint64_t line_no) {
    auto fields = split_fields(line, ' ');
    while (!fields.empty() && fields.back().empty()) fields.pop_back();
    if (fields.empty()) return;
    if (line_no == 1 && fields.size() == 2) return;  // the header
    if (dim == 0) dim = fields.size() - 1;
    if (fields.size() - 1 != dim || dim != static_cast<std::size_t>(table.size(1))) {
      throw InputError(InputLocation{path, line_no}, fmt::format("{} values, the embeddings have {}", fields.size() - 1, table.size(1)));
    }
    auto id = tokenizer.token_to_id(fields[0]);
    if (id < 0 || id >= table.size(0) || filled[static_cast<std::size_t>(id)]) return;
    for (std::size_t k = 0; k < dim; ++k) {
      char* end = nullptr;
      const float v = std::strtof(fields[k + 1].c_str(), &end);
      if (end == fields[k + 1].c_str() || *end != '\0') throw InputError(InputLocation{path, line_no}, "not a number: " + fields[k + 1]);
      rows[id][static_cast<std::int64_t>(k)] = v;
    }
    filled[static_cast<std::size_t>(id)] = true;
    ++found;
  });
  return {table, found};
}

}  // namespace

void add_classifier_inference_options(CLI::App* cmd, ClassifierInferenceArgs& a, bool with_label) {
  cmd->add_option("--text-column", a.columns.text, "Column of the text")->capture_default_str();
  cmd->add_option("--text-pair-column", a.columns.pair, "Column of the second text of a pair");
  if (with_label) cmd->add_option("--label-column", a.columns.label, "Column of the label")->capture_default_str();
  cmd->add_option("--batch-size", a.batch_size, "Rows per forward (fixed-shape slots; RNNs run rows alone)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-length", a.max_length, "Tokens per row, longer rows are cut (default: 128 or the model's positions)")
      ->check(CLI::Range(3, 4096));
  cmd->add_option("--device", a.device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_option("--precision,--dtype", a.precision, "fp32, bf16, fp16 (norms and softmax stay fp32) or int8 (CPU)")->capture_default_str();
}

void add_classifier_options(CLI::App* cmd, ClassifierArgs& a) {
  cmd->add_option("--train", a.train, "GLUE-style TSV with a header")->required()->check(CLI::ExistingFile);
  cmd->add_option("--dev", a.dev, "TSV scored (accuracy) every --eval-every steps and at the end; best/ keeps the best")
      ->check(CLI::ExistingFile);
  cmd->add_option("--arch", a.arch, "bert (BertForSequenceClassification), bilstm (Tang et al.), lstm (3 layers), gru (2 layers)")
      ->capture_default_str()
      ->check(CLI::IsMember({"bert", "bilstm", "lstm", "gru"}));
  cmd->add_option("--model-config", a.model_config, "config.json fields of a new model (BertConfig, or the RNN's: nn/rnn_config.h)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--init", a.init, "Start from this model directory (e.g. `frugal pretrain mlm` output)")->check(CLI::ExistingDirectory);
  cmd->add_option("--tokenizer", a.tokenizer, "Tokenizer (default: the --init or --embeddings-from directory's)");
  cmd->add_option("--embeddings-from", a.embeddings_from,
                  "RNN: word embeddings from a model directory (a teacher's) or a word2vec text file");
  cmd->add_flag("--freeze-embeddings", a.freeze_embeddings, "RNN: keep the word embeddings as they start");
  cmd->add_option("--text-column", a.columns.text, "Column of the text")->capture_default_str();
  cmd->add_option("--text-pair-column", a.columns.pair, "Column of the second text of a pair");
  cmd->add_option("--label-column", a.columns.label, "Column of the label (integers or strings)")->capture_default_str();
  cmd->add_option("--batch-size", a.batch_size, "Rows per micro-batch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--max-length", a.max_length, "Tokens per row, longer rows are cut (default: 128 or the model's positions)")
      ->check(CLI::Range(3, 4096));
  cmd->add_option("--epochs", a.epochs, "Passes over the training rows")->capture_default_str();
}

std::string classifier_tokenizer(const ClassifierArgs& a, const std::string& fallback) {
  if (!a.tokenizer.empty()) return a.tokenizer;
  if (!a.init.empty()) return tokenizer_for_model(a.init, "");
  if (!a.embeddings_from.empty() && std::filesystem::is_directory(a.embeddings_from)) return tokenizer_for_model(a.embeddings_from, "");
  if (!fallback.empty()) return fallback;
  throw InputError("--tokenizer is needed (or --init / --embeddings-from with a model directory)");
}

std::unique_ptr<Model> classifier_to_train(const ClassifierArgs& a, const LabelSet& labels, const Tokenizer& tokenizer,
                                           torch::Device device) {
  nlohmann::json label_fields = nlohmann::json::object();
  labels.write_to(label_fields);
  const bool rnn = a.arch != "bert";
  if (!rnn) {
    if (!a.embeddings_from.empty() || a.freeze_embeddings) throw InputError("--embeddings-from and --freeze-embeddings are for RNN students");
    ModelStart start{a.init, a.model_config, a.common.seed};
    start.forced_fields = label_fields;
    return model_to_train(start, kBertForSequenceClassification, tokenizer, device);
  }
  if (!a.init.empty()) {
    if (!a.model_config.empty()) throw InputError("give one of --init and --model-config");
    ModelStart start{a.init, "", a.common.seed};
    start.forced_fields = label_fields;
    return model_to_train(start, kRnnForSequenceClassification, tokenizer, device);
  }
  auto config = student_defaults(a.arch);
  if (!a.model_config.empty()) config.update(parse_config_json(read_file(a.model_config), a.model_config));
  config.update(label_fields);
  if (!config.contains("vocab_size")) config["vocab_size"] = tokenizer.vocab_size();
  if (!config.contains("pad_token_id")) config["pad_token_id"] = std::max<std::int32_t>(0, tokenizer.token_to_id("[PAD]"));
  if (!config.contains("max_length")) config["max_length"] = a.max_length > 0 ? a.max_length : 512;
  if (a.freeze_embeddings) config["freeze_embeddings"] = true;
  torch::Tensor copied;
  const bool from_model = !a.embeddings_from.empty() && std::filesystem::is_directory(a.embeddings_from);
  if (from_model) {
    copied = teacher_embeddings(a.embeddings_from);
    if (!config.contains("embedding_dim")) config["embedding_dim"] = copied.size(1);
  }
  const std::string name = a.model_config.empty() ? "--arch " + a.arch : a.model_config;
  auto model = std::make_unique<Model>(kRnnForSequenceClassification, config.dump(), name, a.common.seed);
  auto table = model->module()->named_parameters()[kRnnWordEmbeddings];
  if (from_model) {
    if (copied.sizes() != table.sizes()) {
      throw InputError(InputLocation{a.embeddings_from + "/model.safetensors"},
                       "word embeddings " + c10::str(copied.sizes()) + " do not fit the student's " + c10::str(table.sizes()));
    }
    torch::NoGradGuard no_grad;
    table.copy_(copied);
    spdlog::info("word embeddings {} copied from {}{}", c10::str(copied.sizes()), a.embeddings_from, a.freeze_embeddings ? " (frozen)" : "");
  } else if (!a.embeddings_from.empty()) {
    const auto [filled, found] = word2vec_embeddings(a.embeddings_from, tokenizer, table.detach());
    spdlog::info("word embeddings: {} of {} tokens found in {}", found, table.size(0), a.embeddings_from);
  }
  model->to(device, torch::kFloat32);
  return model;
}

int run_classifier_training(const ClassifierArgs& a, Model& model, const std::string& tokenizer_path, const LabelSet& labels,
                            const std::vector<EncodedText>& train, const std::vector<std::int64_t>& train_labels,
                            const torch::Tensor& teacher_logits, const LossFn& loss, nlohmann::json summary,
                            const GlobalOptions& global) {
  const auto device = parse_device(a.common.device);
  const auto max_length = classify_max_length(a.max_length, model);
  if (train.empty()) throw InputError(InputLocation{a.train}, "no training rows");
  std::vector<EncodedText> dev;
  std::vector<std::int64_t> dev_labels;
  if (!a.dev.empty()) {
    const auto examples = read_text_examples(a.dev, a.columns, LabelNeed::kRequired);
    for (const auto& e : examples) dev_labels.push_back(labels.id_of(e, a.dev));
    dev = encode_texts(load_tokenizer(tokenizer_path), examples, max_length, worker_threads(global.threads));
  }
  ClassifyInferenceOptions inference;
  inference.max_length = max_length;
  inference.threads = worker_threads(global.threads);
  const EvalFn evaluate = [&](Model& m) -> nlohmann::json {
    if (dev.empty()) return {{"loss", 0.0}};
    const auto probs = torch::softmax(classify_logits(m, dev, inference), 1).contiguous();
    std::vector<std::vector<float>> rows;
    for (std::int64_t i = 0; i < probs.size(0); ++i) rows.emplace_back(probs[i].data_ptr<float>(), probs[i].data_ptr<float>() + probs.size(1));
    auto scores = score_classification(rows, dev_labels).to_json();
    scores["loss"] = -scores.at("accuracy").get<double>();  // the trainer minimises
    return scores;
  };
  auto source = classify_batch_source(train, train_labels, teacher_logits, a.batch_size, a.common.seed, model.pad_token_id(), device);
  auto options = trainer_options(a.common, steps_for_epochs(a.common, a.epochs, source->batches_per_epoch()), !dev.empty(), global);
  options.data_name = a.train;
  model.module()->train();
  const auto result = frugal::train(model, *source, loss, evaluate, options, nullptr);
  if (result.interrupted) return 128 + SIGTERM;
  copy_tokenizer(tokenizer_path, a.common.out + "/model");
  if (!dev.empty()) copy_tokenizer(tokenizer_path, a.common.out + "/best");
  summary["steps"] = result.steps;
  summary["train_rows"] = train.size();
  summary["parameters"] = model.parameter_count();
  summary["model"] = a.common.out + "/model";
  if (!dev.empty()) {
    model.module()->eval();
    summary["dev"] = evaluate(model);
    summary["dev"].erase("loss");
    summary["best_dev_accuracy"] = -result.best_eval;
  }
  std::cout << summary.dump() << "\n";
  return 0;
}

}  // namespace frugal::cli
