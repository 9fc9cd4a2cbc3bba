// frugal demo: the main job end to end on the mirror data, scaled to this machine — the
// synthetic-QA pipeline of Puri et al. (2020). SQuAD v1.1 dev is split by article into A (trains
// the answer generator, the question generator and the filter QA model), B (its paragraphs get
// synthetic questions) and C (scored). Small BERT and GPT-2 models are pretrained from scratch on
// the mirror text with vocabularies trained by frugal. The table compares QA models trained on
// B's human questions and on B's synthetic (filtered) questions, with the lexical baseline.
// --smoke runs every stage on ~20 paragraphs with tiny models (tests). Each step is one frugal
// command, run as a child process of this binary and printed, so any step can be rerun by hand.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/squad.h"
#include "tasks/qa/squad_eval.h"
#include "tasks/qagen/records.h"

namespace fs = std::filesystem;

namespace frugal::cli {
namespace {

struct DemoArgs {
  std::string out_dir = "frugal-demo";
  bool smoke = false;
  std::uint64_t seed = 1;
};

struct Scale {
  std::size_t articles;       // per part unit: A gets 2, B 2, C 1
  std::size_t paragraphs_per_article;  // 0: all
  std::size_t paragraphs;     // of B given to the generator
  std::size_t corpus_docs, vocab, lm_steps, epochs, per_context, per_answer, max_length;
  std::string bert, gpt2;
};

Scale scale_for(bool smoke) {
  if (smoke) {
    return {1, 6, 20, 300, 2000, 20, 1, 3, 2, 192,
            R"({"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 256})",
            R"({"n_embd": 32, "n_layer": 1, "n_head": 2, "n_positions": 320})"};
  }
  return {8, 0, 150, 20000, 8000, 400, 2, 4, 2, 256,
          R"({"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 2, "intermediate_size": 512, "max_position_embeddings": 256})",
          R"({"n_embd": 128, "n_layer": 4, "n_head": 2, "n_positions": 320})"};
}

class Steps {
 public:
  Steps(const GlobalOptions& global, std::size_t total) : global_(global), total_(total) {}
  void run(const std::string& what, std::vector<std::string> args) {
    std::vector<std::string> argv = {"frugal"};
    if (!global_.mirror.empty()) argv.insert(argv.end(), {"--mirror", global_.mirror});
    if (!global_.home.empty()) argv.insert(argv.end(), {"--home", global_.home});
    if (global_.threads > 0) argv.insert(argv.end(), {"--threads", std::to_string(global_.threads)});
    if (global_.no_progress) argv.push_back("--no-progress");
    argv.insert(argv.end(), args.begin(), args.end());
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    std::cout << fmt::format("[{}/{}] {}\n  $ {}\n", ++done_, total_, what, line) << std::flush;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      std::vector<char*> c;
      for (auto& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      ::execv("/proc/self/exe", c.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0) throw std::runtime_error(fmt::format("demo step '{}' failed with exit code {}", what, code));
    seconds_[what] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double seconds(const std::string& what) const { return seconds_.count(what) ? seconds_.at(what) : 0.0; }

 private:
  const GlobalOptions& global_;
  std::size_t total_, done_ = 0;
  std::map<std::string, double> seconds_;
};

// Articles in file order, round robin: A, A, B, B, C (the paper's protocol, documented split);
// written to DIR/{A,B,C}.json and returned.
std::array<SquadDataset, 3> split_parts(const SquadDataset& data, std::size_t per_unit, std::size_t paragraphs_per_article,
                                        const std::string& dir) {
  std::array<SquadDataset, 3> parts;
  const int pattern[5] = {0, 0, 1, 1, 2};
  for (std::size_t i = 0; i < data.articles.size() && i < per_unit * 5; ++i) {
    auto article = data.articles[i];
    if (paragraphs_per_article > 0 && article.paragraphs.size() > paragraphs_per_article) article.paragraphs.resize(paragraphs_per_article);
    parts[pattern[i % 5]].articles.push_back(std::move(article));
  }
  const char* names[3] = {"A", "B", "C"};
  for (int p = 0; p < 3; ++p) {
    parts[p].version = "1.1";
    write_squad(parts[p], dir + "/" + names[p] + ".json");
  }
  return parts;
}

nlohmann::json score(const SquadDataset& data, const std::string& predictions) {
  const auto result = evaluate_squad(data, read_squad_predictions(predictions), {});
  return nlohmann::json::parse(format_squad_eval(result, false));
}

int run_demo(const DemoArgs& args, const GlobalOptions& global) {
  const auto s = scale_for(args.smoke);
  const auto out = fs::absolute(args.out_dir).string();
  fs::create_directories(out + "/parts");
  const auto total_start = std::chrono::steady_clock::now();
  auto cache = global.data_cache();
  const auto squad = read_squad(cache.file_path("squad-v1.1-dev", "dev-v1.1.json"));
  const auto parts = split_parts(squad, s.articles, s.paragraphs_per_article, out + "/parts");
  const auto& c = parts[2];
  const std::string seed = std::to_string(args.seed);
  const auto p = [&](const std::string& rel) { return out + "/" + rel; };
  Steps steps(global, 14);
  steps.run("pretraining text: WordNet glosses and the SQuAD contexts",
            {"data", "corpus", "--source", "squad-v1.1-dev,wordnet", "--max-documents", std::to_string(s.corpus_docs), "--out", p("corpus.txt")});
  steps.run("WordPiece vocabulary (BERT)", {"tokenize", "train", "--type", "wordpiece", "--vocab-size", std::to_string(s.vocab),
                                            "--corpus", p("corpus.txt"), "--out", p("wordpiece")});
  steps.run("byte-level BPE vocabulary with <sep> (GPT-2)",
            {"tokenize", "train", "--type", "bpe", "--vocab-size", std::to_string(s.vocab), "--corpus", p("corpus.txt"),
             "--special-tokens", "<|endoftext|>,<sep>", "--out", p("bpe")});
  write_file_atomic(p("bert.json"), s.bert);
  write_file_atomic(p("gpt2.json"), s.gpt2);
  const std::string lm_steps = std::to_string(s.lm_steps), epochs = std::to_string(s.epochs), len = std::to_string(s.max_length);
  steps.run("BERT masked-LM pretraining", {"pretrain", "mlm", "--corpus", p("corpus.txt"), "--tokenizer", p("wordpiece/vocab.txt"),
                                           "--model-config", p("bert.json"), "--steps", lm_steps, "--batch-size", "32", "--lr", "1e-3",
                                           "--seed", seed, "--no-resume", "--out", p("bert")});
  // Half the batch of the BERT: the LM head projects every position onto the vocabulary.
  steps.run("GPT-2 causal-LM pretraining", {"pretrain", "lm", "--corpus", p("corpus.txt"), "--tokenizer", p("bpe"), "--model-config",
                                            p("gpt2.json"), "--steps", lm_steps, "--batch-size", "16", "--lr", "1e-3", "--seed", seed, "--no-resume",
                                            "--out", p("gpt2")});
  const std::vector<std::string> window = {"--max-length", len, "--stride", "64"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  steps.run("answer generator on part A", with({"qagen", "train-answers", "--train", p("parts/A.json"), "--init", p("bert/model"),
                                                "--epochs", epochs, "--batch-size", "16", "--lr", "3e-4", "--seed", seed, "--no-resume", "--out",
                                                p("answers")}, window));
  steps.run("question generator on part A", {"qagen", "train-questions", "--train", p("parts/A.json"), "--init", p("gpt2/model"),
                                             "--epochs", epochs, "--batch-size", "16", "--lr", "5e-4", "--seed", seed, "--no-resume", "--out", p("questions")});
  steps.run("filter QA model on part A", with({"qa", "train", "--train", p("parts/A.json"), "--init", p("bert/model"), "--epochs", epochs,
                                               "--batch-size", "16", "--lr", "3e-4", "--seed", seed, "--no-resume", "--out", p("filter")}, window));
  // The first paragraphs of part B: the generator gets their contexts, the human baseline their
  // questions (the same paragraphs, for a fair comparison).
  SquadDataset b_human;
  b_human.version = "1.1";
  {
    std::string text;
    std::size_t n = 0;
    for (const auto& a : parts[1].articles) {
      SquadArticle kept{a.title, {}};
      for (const auto& para : a.paragraphs) {
        if (n++ >= s.paragraphs) break;
        text += para.context + "\n";
        kept.paragraphs.push_back(para);
      }
      if (!kept.paragraphs.empty()) b_human.articles.push_back(std::move(kept));
    }
    write_file_atomic(p("paragraphs.txt"), text);
    write_squad(b_human, p("parts/B-human.json"));
    nlohmann::json pipeline = {{"paragraphs", "paragraphs.txt"}, {"work_dir", "generated"}, {"answer_model", "answers/model"},
                               {"question_model", "questions/model"}, {"filter_model", "filter/model"},
                               {"max_length", s.max_length}, {"stride", 64}, {"chunk", 32},
                               {"answers", {{"per_context", s.per_context}, {"top_p", 0.9}, {"seed", args.seed}}},
                               {"questions", {{"per_answer", s.per_answer}, {"top_p", 0.9}, {"max_new_tokens", 32}, {"seed", args.seed}}},
                               // The paper's exact-match filter; the smoke run's tiny models rarely agree
                               // exactly, so it keeps pairs with F1 >= 0.3 to exercise every step.
                               {"filter", args.smoke ? nlohmann::json{{"mode", "f1"}, {"f1_threshold", 0.3}} : nlohmann::json{{"mode", "exact"}}}};
    write_file_atomic(p("pipeline.json"), pipeline.dump(2) + "\n");
    // Every run of the demo retrains the generators, so stages of an earlier run (made by other
    // models) are removed rather than refused; training steps run with --no-resume likewise.
    std::filesystem::remove_all(p("generated"));
  }
  steps.run("synthetic questions for part B: answers -> questions -> round-trip filter", {"qagen", "run", "--config", p("pipeline.json")});
  const std::map<std::string, std::size_t> train_questions = {
      {"human", b_human.num_questions()}, {"synthetic", read_squad(p("generated/synthetic.json")).num_questions()}};
  const std::vector<std::pair<std::string, std::string>> runs = {{"human", "parts/B-human.json"}, {"synthetic", "generated/synthetic.json"}};
  for (const auto& [label, data] : runs) {
    if (train_questions.at(label) == 0) {
      std::cout << fmt::format("(no {} questions: no QA model to train)\n", label);
      write_file_atomic(p("pred-" + label + ".json"), "{}\n");
      continue;
    }
    steps.run("QA model on B " + label, with({"qa", "train", "--train", p(data), "--init", p("bert/model"), "--epochs", epochs,
                                              "--batch-size", "16", "--lr", "3e-4", "--seed", seed, "--no-resume", "--out", p("qa-" + label)}, window));
    steps.run("answer part C with the " + label + "-trained model",
              with({"qa", "predict", "--model", p("qa-" + label + "/model"), "--data", p("parts/C.json"), "--out", p("pred-" + label + ".json")}, window));
  }
  steps.run("the lexical baseline on part C (no training)",
            {"qa", "baseline", "--data", p("parts/C.json"), "--out", p("pred-baseline.json")});

  const auto report = nlohmann::json::parse(read_file(p("generated/report.json")));
  std::cout << fmt::format("\n== synthetic QA demo{} (seed {}), scored on part C ({} questions), official SQuAD v1.1 metric\n",
                           args.smoke ? " --smoke" : "", args.seed, c.num_questions());
  std::cout << fmt::format("{:<44} {:>10} {:>8} {:>8}\n", "QA model trained on", "questions", "EM", "F1");
  const std::vector<std::tuple<std::string, std::string, std::string>> rows = {
      {"nothing (lexical question-overlap baseline)", "", "pred-baseline.json"},
      {"part B, human questions", "human", "pred-human.json"},
      {"part B, synthetic questions (filtered)", "synthetic", "pred-synthetic.json"}};
  nlohmann::json results;
  for (const auto& [label, trained_on, preds] : rows) {
    const auto sc = score(c, p(preds));
    const auto n = trained_on.empty() ? std::string("-") : std::to_string(train_questions.at(trained_on));
    std::cout << fmt::format("{:<44} {:>10} {:>8.2f} {:>8.2f}\n", label, n, sc["exact_match"].get<double>(), sc["f1"].get<double>());
    results[label] = sc;
  }
  const auto& sum = report["summary"];
  std::cout << fmt::format("generation: {} paragraphs -> {} answers -> {} questions -> {} kept ({:.1f}%)\n", sum["paragraphs"].dump(),
                           sum["candidate_answers"].dump(), sum["questions"].dump(), sum["kept"].dump(), sum["kept_percent"].get<double>());
  // Sample pairs with their verdicts.
  auto filtered = read_records(p("generated/filtered.jsonl"));
  Rng rng(args.seed);
  rng.shuffle(filtered.begin(), filtered.end());
  std::cout << "\nsample generated pairs (verdict: question | generated answer | filter QA answer):\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(10, filtered.size()); ++i) {
    const auto& r = filtered[i];
    std::cout << fmt::format("  {:<7} {} | {} | {}\n", r.value("kept", false) ? "kept" : "dropped", r.value("question", ""),
                             r.value("answer", ""), r.value("qa_answer", ""));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - total_start).count();
  results["generation"] = sum;
  results["seconds"] = seconds;
  write_file_atomic(p("results.json"), results.dump(2) + "\n");
  std::cout << fmt::format("\n{:.0f} s in all; results in {}/results.json\n", seconds, out);
  return 0;
}

}  // namespace

void register_demo_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* demo = app.add_subcommand("demo", "The synthetic-QA pipeline end to end on the mirror data (about 15 minutes; --smoke: 1)");
  auto args = std::make_shared<DemoArgs>();
  demo->add_option("--out", args->out_dir, "Working directory (models, generated data, results.json)")->capture_default_str();
  demo->add_flag("--smoke", args->smoke, "Every stage on ~20 paragraphs with tiny models");
  demo->add_option("--seed", args->seed, "Seed of every step")->capture_default_str();
  set_example(demo, "  frugal --mirror ../shared/data demo --out /tmp/demo\n  frugal --mirror ../shared/data demo --smoke --out /tmp/smoke");
  table.add(demo, [args, &global] { return run_demo(*args, global); });
}

}  // namespace frugal::cli
