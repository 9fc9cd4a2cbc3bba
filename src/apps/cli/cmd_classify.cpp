// frugal classify train | predict | eval: sequence classification from GLUE-style TSV with a
// BERT classifier (HF's BertForSequenceClassification) or an RNN student.
#include <fmt/format.h>

#include <iostream>

#include "apps/cli/classifier_training.h"
#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/parallel.h"
#include "nn/config_json.h"
#include "nn/device_torch.h"
#include "nn/precision_torch.h"
#include "tasks/classify/classify_metrics.h"
#include "text/python_format.h"
#include "text/tokenizer_loader.h"

namespace frugal::cli {
namespace {

struct ClassifyUseArgs {
  std::string model, data, out, tokenizer;
  ClassifierInferenceArgs run;
};

int run_classify_train(const ClassifierArgs& a, const GlobalOptions& global) {
  require_seed(a.common);
  const auto device = parse_device(a.common.device);
  const auto tokenizer_path = classifier_tokenizer(a);
  const auto tokenizer = load_tokenizer(tokenizer_path);
  const auto examples = read_text_examples(a.train, a.columns, LabelNeed::kRequired);
  const auto labels = LabelSet::from_examples(examples, a.train);
  auto model = classifier_to_train(a, labels, tokenizer, device);
  const auto max_length = classify_max_length(a.max_length, *model);
  model->check_length(max_length);
  std::vector<std::int64_t> ids;
  for (const auto& e : examples) ids.push_back(labels.id_of(e, a.train));
  const auto encoded = encode_texts(tokenizer, examples, max_length, worker_threads(global.threads));
  return run_classifier_training(a, *model, tokenizer_path, labels, encoded, ids, {}, classification_loss,
                                 {{"arch", model->architecture()}, {"labels", labels.names()}}, global);
}

struct LoadedClassifier {
  std::unique_ptr<Model> model;
  LabelSet labels;
  std::vector<TextExample> examples;
  torch::Tensor probabilities;  // (rows, labels) fp32
};

LoadedClassifier classify_rows(const ClassifyUseArgs& a, LabelNeed need, const GlobalOptions& global) {
  LoadedClassifier c;
  const auto device = parse_device(a.run.device);
  c.model = std::make_unique<Model>(Model::load(a.model, device));
  const auto config_path = a.model + "/config.json";
  c.labels = LabelSet::from_config(parse_config_json(c.model->config_json(), config_path), config_path);
  const auto max_length = classify_max_length(a.run.max_length, *c.model);
  c.model->check_length(max_length);
  to_precision(*c.model, device, parse_precision(a.run.precision));
  c.model->module()->eval();
  const auto tokenizer = load_tokenizer(tokenizer_for_model(a.model, a.tokenizer));
  c.examples = read_text_examples(a.data, a.run.columns, need);
  ClassifyInferenceOptions options;
  options.batch_size = a.run.batch_size;
  options.max_length = max_length;
  options.threads = worker_threads(global.threads);
  const auto encoded = encode_texts(tokenizer, c.examples, max_length, options.threads);
  c.probabilities = torch::softmax(classify_logits(*c.model, encoded, options), 1).contiguous();
  return c;
}

std::vector<float> row_of(const torch::Tensor& t, std::int64_t i) {
  const auto* p = t[i].data_ptr<float>();
  return {p, p + t.size(1)};
}

int run_classify_eval(const ClassifyUseArgs& a, const GlobalOptions& global) {
  const auto c = classify_rows(a, LabelNeed::kRequired, global);
  std::vector<std::int64_t> truth;
  for (const auto& e : c.examples) truth.push_back(c.labels.id_of(e, a.data));
  std::vector<std::vector<float>> rows;
  for (std::int64_t i = 0; i < c.probabilities.size(0); ++i) rows.push_back(row_of(c.probabilities, i));
  std::cout << score_classification(rows, truth).to_json().dump() << "\n";
  return 0;
}

int run_classify_predict(const ClassifyUseArgs& a, const GlobalOptions& global) {
  AtomicFile out(a.out);  // an unwritable --out fails before the work
  const auto c = classify_rows(a, LabelNeed::kOptional, global);
  for (std::int64_t i = 0; i < c.probabilities.size(0); ++i) {
    const auto p = row_of(c.probabilities, i);
    std::string line = "{\"prediction\": ";
    append_json_string(line, c.labels.names()[static_cast<std::size_t>(argmax(p))]);
    line += ", \"probs\": [";
    for (std::size_t k = 0; k < p.size(); ++k) line += (k ? ", " : "") + py::float_repr(p[k]);
    out.write(line + "]}\n");
  }
  out.commit();
  std::cerr << fmt::format("{}: {} rows\n", a.out, c.examples.size());
  return 0;
}

void add_use_options(CLI::App* cmd, ClassifyUseArgs& a, const char* data_flag) {
  cmd->add_option("--model", a.model, "A classifier's model directory (classify train's DIR/model)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option(data_flag, a.data, "GLUE-style TSV with a header")->required();
  cmd->add_option("--tokenizer", a.tokenizer, "Tokenizer (default: the model directory's)");
  add_classifier_inference_options(cmd, a.run, true);
}

}  // namespace

void register_classify_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* classify = app.add_subcommand("classify", "Text classification (BERT or RNN students) on GLUE-style TSV: train, predict, eval");
  classify->require_subcommand(1);

  auto* train_cmd = classify->add_subcommand("train", "Train a classifier on labelled TSV rows");
  auto a = std::make_shared<ClassifierArgs>();
  a->common.lr = 1e-3;
  add_classifier_options(train_cmd, *a);
  add_train_options(train_cmd, a->common, "Output directory: model/, best/ (with --dev), checkpoints/, metrics.jsonl", true);
  set_example(train_cmd, "  frugal classify train --train sst2/train.tsv --dev sst2/dev.tsv --arch bilstm --tokenizer vocab.txt \\\n"
                         "      --epochs 3 --seed 1 --out runs/bilstm\n"
                         "  frugal classify train --train sst2/train.tsv --arch bert --init runs/bert-mlm/model --lr 5e-5 --epochs 3 --seed 1 --out runs/bert-cls");
  table.add(train_cmd, [a, &global] { return run_classify_train(*a, global); });

  auto* eval = classify->add_subcommand("eval", "Accuracy, macro-F1 and log loss of a classifier on labelled TSV (one JSON line)");
  auto e = std::make_shared<ClassifyUseArgs>();
  add_use_options(eval, *e, "--data");
  set_example(eval, "  frugal classify eval --model runs/bilstm/model --data sst2/dev.tsv");
  table.add(eval, [e, &global] { return run_classify_eval(*e, global); });

  auto* predict = classify->add_subcommand("predict", "Label every row: JSONL {\"prediction\": LABEL, \"probs\": [...]} (id2label order)");
  auto p = std::make_shared<ClassifyUseArgs>();
  add_use_options(predict, *p, "--input");
  predict->add_option("--out", p->out, "JSONL, one line per row")->required();
  set_example(predict, "  frugal classify predict --model runs/bilstm/model --input sentences.tsv --out predictions.jsonl");
  table.add(predict, [p, &global] { return run_classify_predict(*p, global); });
}

}  // namespace frugal::cli
