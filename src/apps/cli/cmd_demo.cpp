// frugal demo: the main job end to end on the mirror data, scaled to this machine — the
// synthetic-QA pipeline of Puri et al. (2020). SQuAD v1.1 dev is split by article into A (trains
// the answer generator, the question generator and the filter QA model), B (human questions for
// the human-data models; its paragraphs get synthetic questions) and C (scored). Small BERT and
// GPT-2 models are pretrained from scratch on the mirror text with vocabularies trained by
// frugal, or taken from --init. The table compares QA models trained on B's human questions, on
// the synthetic questions (unfiltered, filtered, a random draw of the filtered set's size) and
// on filtered synthetic + human (and, as its control, as many unfiltered pairs + human), with the
// lexical baseline; results.json holds it.
// Profiles (apps/cli/demo_profiles.h) size the run. Each step is one frugal command, run as a
// child process of this binary and printed, so any step can be rerun by hand; once the encoders
// are ready, independent steps run at once, one CPU thread each (apps/cli/demo_steps.h).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/demo_profiles.h"
#include "apps/cli/demo_steps.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include "data/squad.h"
#include "tasks/qa/squad_eval.h"
#include "tasks/qagen/records.h"

namespace fs = std::filesystem;

namespace frugal::cli {
namespace {

struct DemoArgs {
  std::string out_dir = "frugal-demo", profile = "default", init, pretrain = "mlm", question_generator;  // "": the profile's
  std::vector<std::string> more_paragraphs;  // squad-rest or NAME/FILE: paragraphs only the generator sees
  bool smoke = false, lexical_match = true, from_scratch = false;
  std::uint64_t seed = 1;
  int jobs = 0;  // steps at once after pretraining; 0: the run's CPU threads (1 on a GPU)
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

SquadDataset with_version(SquadDataset d) {
  d.version = "1.1";
  return d;
}

// An article cut to the profile's paragraphs per article (0: all).
SquadArticle capped(SquadArticle article, const DemoProfile& p) {
  if (p.paragraphs_per_article > 0 && article.paragraphs.size() > p.paragraphs_per_article) {
    article.paragraphs.resize(p.paragraphs_per_article);
  }
  return article;
}

// Articles in file order, round robin: A, A, B, B, C (the paper's protocol, documented split).
std::array<SquadDataset, 3> split_parts(const SquadDataset& data, const DemoProfile& p) {
  std::array<SquadDataset, 3> parts;
  const int pattern[5] = {0, 0, 1, 1, 2};
  for (std::size_t i = 0; i < data.articles.size() && (p.articles == 0 || i < p.articles * 5); ++i) {
    parts[pattern[i % 5]].articles.push_back(capped(data.articles[i], p));
  }
  for (auto& part : parts) part = with_version(std::move(part));
  return parts;
}

// SQuAD v1.1 dev's articles after the profile's units of five: in none of A, B, C.
SquadDataset squad_rest(const SquadDataset& data, const DemoProfile& p) {
  SquadDataset rest;
  for (std::size_t i = p.articles == 0 ? data.articles.size() : p.articles * 5; i < data.articles.size(); ++i) {
    rest.articles.push_back(capped(data.articles[i], p));
  }
  return with_version(std::move(rest));
}

// A registered QA file named NAME/FILE (a profile's extra_a, a --more-paragraphs source).
SquadDataset read_registered_squad(DataCache& cache, const std::string& name_file, const std::string& option) {
  const auto slash = name_file.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == name_file.size()) {
    throw InputError(option + ": '" + name_file + "' is not a registered NAME/FILE (frugal data list)");
  }
  return read_squad(cache.file_path(name_file.substr(0, slash), name_file.substr(slash + 1)));
}

// The paragraphs of `sources` without their questions, less any whose text is in a part (in C it
// would leak the scored contexts into training; in A or B it would repeat them) or seen before.
SquadDataset unseen_paragraphs(const std::vector<SquadDataset>& sources, const std::array<SquadDataset, 3>& parts,
                               std::size_t& overlapping) {
  std::set<std::string> seen;
  for (const auto& part : parts) {
    for (const auto& a : part.articles) {
      for (const auto& para : a.paragraphs) seen.insert(para.context);
    }
  }
  SquadDataset out;
  overlapping = 0;
  for (const auto& source : sources) {
    for (const auto& a : source.articles) {
      SquadArticle kept{a.title, {}};
      for (const auto& para : a.paragraphs) {
        if (!seen.insert(para.context).second) {
          ++overlapping;
          continue;
        }
        kept.paragraphs.push_back({para.context, {}});
      }
      if (!kept.paragraphs.empty()) out.articles.push_back(std::move(kept));
    }
  }
  return with_version(std::move(out));
}

// The first `n` paragraphs (0: all) of `part`, with their questions.
SquadDataset first_paragraphs(const SquadDataset& part, std::size_t n) {
  SquadDataset out;
  std::size_t taken = 0;
  for (const auto& a : part.articles) {
    SquadArticle kept{a.title, {}};
    for (const auto& para : a.paragraphs) {
      if (n > 0 && taken >= n) break;
      kept.paragraphs.push_back(para);
      ++taken;
    }
    if (!kept.paragraphs.empty()) out.articles.push_back(std::move(kept));
  }
  return with_version(std::move(out));
}

SquadDataset merged(const SquadDataset& a, const SquadDataset& b) {
  SquadDataset out = a;
  out.articles.insert(out.articles.end(), b.articles.begin(), b.articles.end());
  return with_version(std::move(out));
}

struct Row {
  std::string key, label, data;  // data: training SQuAD JSON ("" for the baseline)
  std::string init_row;          // the row whose QA model this one starts from ("": the BERT)
  std::size_t questions = 0;
};

// The shipped checkpoints (models/README.md): models/ in the working directory, else beside the
// binary's directory (build/frugal -> models/, bin/frugal -> share/frugal/models/). "" if none.
std::string shipped_models() {
  std::vector<fs::path> candidates = {fs::current_path() / "models"};
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.insert(candidates.end(), {exe.parent_path().parent_path() / "models", exe.parent_path().parent_path() / "share/frugal/models"});
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "bert/config.json") && fs::exists(dir / "gpt2/config.json")) return fs::absolute(dir).lexically_normal().string();
  }
  return "";
}

int run_demo(DemoArgs args, const GlobalOptions& global) {
  const auto profile = demo_profile(args.smoke ? "smoke" : args.profile);
  const bool shipped = args.init.empty() && profile.shipped_init && !args.from_scratch;
  if (shipped) args.init = shipped_models();
  const bool lexical = args.lexical_match;
  if (args.pretrain != "mlm" && args.pretrain != "electra") throw InputError("--pretrain must be mlm or electra");
  const auto generator = args.question_generator.empty() ? profile.question_generator : args.question_generator;
  if (generator != "gpt2" && generator != "cloze") throw InputError("--question-generator must be gpt2 or cloze");
  const bool gpt2_questions = generator == "gpt2";  // else cloze: no GPT-2 is pretrained, trained or needed
  const auto out = fs::absolute(args.out_dir).string();
  const auto p = [&](const std::string& rel) { return out + "/" + rel; };
  const auto total_start = std::chrono::steady_clock::now();
  auto cache = global.data_cache();
  const auto squad_dev = read_squad(cache.file_path("squad-v1.1-dev", "dev-v1.1.json"));
  auto parts = split_parts(squad_dev, profile);
  for (const auto& extra : profile.extra_a) parts[0] = merged(parts[0], read_registered_squad(cache, extra, "profile " + profile.name + " extra_a"));
  // Paragraphs given to the generator besides B's (Puri et al.: synthetic data scales with text,
  // not with labels), capped like B's by the profile. Read before anything is written, so a bad
  // source leaves no output.
  std::vector<SquadDataset> more_sources;
  for (const auto& source : args.more_paragraphs) {
    more_sources.push_back(source == "squad-rest" ? squad_rest(squad_dev, profile)
                                                  : read_registered_squad(cache, source, "--more-paragraphs (or squad-rest)"));
  }
  std::size_t overlapping = 0;
  const auto more = first_paragraphs(unseen_paragraphs(more_sources, parts, overlapping), profile.generated_paragraphs);
  fs::create_directories(p("parts"));
  const char* names[3] = {"A", "B", "C"};
  for (int i = 0; i < 3; ++i) write_squad(parts[i], p(std::string("parts/") + names[i] + ".json"));
  const auto& c = parts[2];
  if (!args.more_paragraphs.empty()) {
    std::cout << fmt::format("more paragraphs for the generator: {} ({} left out: their text is in part A, B or C, or repeats)\n",
                             more.num_paragraphs(), overlapping);
  }
  const std::string generated_from = more.num_paragraphs() > 0 ? "B+more" : "B";
  const std::string seed = std::to_string(args.seed);
  DemoSteps steps(global, p("logs"));
  // Steps at once after pretraining, each on one CPU thread: a result does not depend on --jobs or
  // on the cores. On a GPU they run one after the other with the run's threads, as before.
  const bool on_cpu = profile.device == "cpu";
  const std::size_t slots = on_cpu ? static_cast<std::size_t>(args.jobs > 0 ? args.jobs : resolve_threads(global.threads)) : 1;
  const int step_threads = on_cpu ? 1 : 0;
  const std::vector<std::string> on_device = {"--device", profile.device, "--autocast", profile.autocast};

  // Pretrained encoders: --init's, or trained here from scratch.
  std::string bert_dir = p("bert/model"), gpt2_dir = p("gpt2/model");
  if (!args.init.empty()) {
    bert_dir = fs::absolute(args.init + "/bert").string();
    gpt2_dir = fs::absolute(args.init + "/gpt2").string();
    for (const auto& d : gpt2_questions ? std::vector<std::string>{bert_dir, gpt2_dir} : std::vector<std::string>{bert_dir}) {
      if (!fs::exists(d + "/config.json")) throw InputError(InputLocation{d}, "--init: no model here (config.json)");
    }
    std::cout << fmt::format("starting from {}{} (--init{})\n", bert_dir, gpt2_questions ? " and " + gpt2_dir : "",
                             shipped ? ": the shipped models; --from-scratch pretrains instead" : "");
  } else {
    std::string sources;
    for (const auto& s : profile.corpus_sources) sources += (sources.empty() ? "" : ",") + s;
    steps.run("pretraining text", {"data", "corpus", "--source", sources, "--max-documents", std::to_string(profile.corpus_docs),
                                   "--out", p("corpus.txt")});
    steps.run("WordPiece vocabulary (BERT)", {"tokenize", "train", "--type", "wordpiece", "--vocab-size", std::to_string(profile.vocab),
                                              "--corpus", p("corpus.txt"), "--out", p("wordpiece")});
    if (gpt2_questions) {
      steps.run("byte-level BPE vocabulary with <sep> (GPT-2)",
                {"tokenize", "train", "--type", "bpe", "--vocab-size", std::to_string(profile.vocab), "--corpus", p("corpus.txt"),
                 "--special-tokens", "<|endoftext|>,<sep>", "--out", p("bpe")});
    }
    write_file_atomic(p("bert.json"), profile.bert);
    write_file_atomic(p("gpt2.json"), profile.gpt2);
    const auto time_cap = [](double seconds) {
      return seconds > 0 ? std::vector<std::string>{"--time-budget", fmt::format("{}", seconds)} : std::vector<std::string>{};
    };
    const std::vector<std::string> common = std::vector<std::string>{"--corpus", p("corpus.txt"), "--steps", std::to_string(profile.bert_steps),
                                                                     "--batch-size", std::to_string(profile.bert_batch), "--max-length",
                                                                     std::to_string(profile.pretrain_length), "--lr", "1e-3", "--seed", seed,
                                                                     "--no-resume", "--out", p("bert")} +
                                            time_cap(profile.bert_budget_s);
    steps.run(args.pretrain == "electra" ? "BERT pretraining (ELECTRA: replaced-token detection)" : "BERT masked-LM pretraining",
              std::vector<std::string>{"pretrain", args.pretrain, "--tokenizer", p("wordpiece/vocab.txt"), "--model-config", p("bert.json")} +
                  common + on_device);
    // Half the batch of the BERT: the LM head projects every position onto the vocabulary.
    if (gpt2_questions) {
      steps.run("GPT-2 causal-LM pretraining",
                std::vector<std::string>{"pretrain", "lm", "--corpus", p("corpus.txt"), "--tokenizer", p("bpe"), "--model-config",
                                         p("gpt2.json"), "--steps", std::to_string(profile.gpt2_steps), "--batch-size",
                                         std::to_string(profile.gpt2_batch), "--max-length", std::to_string(profile.pretrain_length),
                                         "--lr", "1e-3", "--seed", seed, "--no-resume", "--out", p("gpt2")} +
                    time_cap(profile.gpt2_budget_s) + on_device);
    }
  }
  const std::string len = std::to_string(profile.max_length), epochs = std::to_string(profile.generator_epochs);
  const std::vector<std::string> window = {"--max-length", len, "--stride", "64"};
  const std::vector<std::string> lexical_flag = lexical ? std::vector<std::string>{"--lexical-match"} : std::vector<std::string>{};
  const auto qa_train = [&](const std::string& train, const std::string& dir, const std::string& qa_epochs, const std::string& init) {
    return std::vector<std::string>{"qa", "train", "--train", train, "--init", init, "--epochs", qa_epochs, "--batch-size",
                                    std::to_string(profile.qa_batch), "--lr", fmt::format("{}", profile.qa_lr), "--seed", seed,
                                    "--no-resume", "--out", dir} +
           lexical_flag + window + on_device;
  };
  std::vector<Row> rows = {{"baseline", "nothing (lexical question-overlap baseline)", ""},
                           {"human", "B, human questions", p("parts/B.json")},
                           {"synthetic_unfiltered", generated_from + ", synthetic, unfiltered", p("generated/synthetic-unfiltered.json")},
                           {"synthetic_filtered", generated_from + ", synthetic, filtered (round trip)", p("generated/synthetic.json")},
                           {"synthetic_random", generated_from + ", synthetic, unfiltered, as many as kept", p("parts/synthetic-random.json")},
                           {"synthetic_human", generated_from + ", synthetic filtered + human", p("parts/synthetic-human.json")},
                           {"synthetic_random_human", generated_from + ", as many unfiltered + human (control)", p("parts/synthetic-random-human.json")},
                           // Staged (Puri et al.'s synthetic-then-human): the unfiltered model fine-tuned on B.
                           {"synthetic_then_human", "B human, after synthetic unfiltered (staged)", p("parts/B.json"), "synthetic_unfiltered"}};
  const std::string qa_epochs = std::to_string(profile.qa_epochs);
  std::set<std::string> trained;  // rows whose QA model this run trains
  // A row's job: train its reader, then answer C with it (job_of: the rows of this group's jobs).
  const auto add_row_job = [&](Row& row, std::vector<DemoJob>& jobs, std::map<std::string, int>& job_of) {
    const auto predictions = p("pred-" + row.key + ".json");
    if (row.data.empty()) {
      jobs.push_back({{{"the lexical baseline on part C (no training)", {"qa", "baseline", "--data", p("parts/C.json"), "--out", predictions}}},
                      -1, 0.0});
      return;
    }
    row.questions = read_squad(row.data).num_questions();
    if (row.questions == 0) {
      std::cout << fmt::format("(no questions for '{}': no QA model to train)\n", row.label);
      write_file_atomic(predictions, "{}\n");
      return;
    }
    // A staged row whose first stage had no questions starts from the BERT, like the human row.
    const bool staged = trained.count(row.init_row) > 0;
    const auto init = staged ? p("qa-" + row.init_row + "/model") : bert_dir;
    DemoJob job{{{"QA model on " + row.label, qa_train(row.data, p("qa-" + row.key), qa_epochs, init)},
                 {"answer part C with the " + row.key + " model",
                  std::vector<std::string>{"qa", "predict", "--model", p("qa-" + row.key + "/model"), "--data", p("parts/C.json"),
                                           "--out", predictions, "--device", profile.device} +
                      window}},
                -1, static_cast<double>(row.questions * profile.qa_epochs)};
    if (staged && job_of.count(row.init_row)) job.after = job_of.at(row.init_row);
    job_of[row.key] = static_cast<int>(jobs.size());
    jobs.push_back(std::move(job));
    trained.insert(row.key);
  };

  // The generators, the filter's reader and the human row's reader need only parts A and B.
  {
    const auto a_questions = static_cast<double>(parts[0].num_questions() * profile.generator_epochs);
    std::vector<DemoJob> jobs;
    jobs.push_back({{{"filter QA model on part A", qa_train(p("parts/A.json"), p("filter"), epochs, bert_dir)}}, -1, a_questions});
    // The answer generator scores spans over the same windows as the filter, in about a third of its time.
    jobs.push_back({{{"answer generator on part A",
                      std::vector<std::string>{"qagen", "train-answers", "--train", p("parts/A.json"), "--init", bert_dir, "--epochs", epochs,
                                               "--batch-size", "16", "--lr", "3e-4", "--seed", seed, "--no-resume", "--out", p("answers")} +
                          window + on_device}},
                    -1, a_questions / 3});
    if (gpt2_questions) {
      jobs.push_back({{{"question generator on part A",
                        std::vector<std::string>{"qagen", "train-questions", "--train", p("parts/A.json"), "--init", gpt2_dir, "--epochs",
                                                 epochs, "--batch-size", "16", "--lr", "5e-4", "--seed", seed, "--no-resume", "--out",
                                                 p("questions")} +
                            on_device}},
                      -1, a_questions});
    }
    std::map<std::string, int> job_of;
    for (auto& row : rows) {
      if (row.key == "human") add_row_job(row, jobs, job_of);
    }
    steps.run_together(jobs, slots, step_threads);
  }

  // Human questions: all of B. The generator gets the contexts of B's first paragraphs and --more-paragraphs'.
  const auto b_generated = merged(first_paragraphs(parts[1], profile.generated_paragraphs), more);
  // The profile's round-trip rule: for the pipeline and results.json, and in words for the table.
  const nlohmann::json filter = profile.filter.to_json();
  const std::string filter_rule = profile.filter.describe();
  {
    // SQuAD JSON, not text lines: 27 of B's contexts hold line breaks, and a line per paragraph
    // would cut them into fragments. The answer stage reads only the contexts.
    write_squad(b_generated, p("paragraphs.json"));
    nlohmann::json pipeline = {{"paragraphs", "paragraphs.json"}, {"work_dir", "generated"}, {"answer_model", "answers/model"},
                               {"question_model", "questions/model"}, {"filter_model", "filter/model"},
                               {"max_length", profile.max_length}, {"stride", 64}, {"chunk", 32}, {"device", profile.device},
                               {"answers", {{"per_context", profile.per_context}, {"top_p", 0.9}, {"seed", args.seed}}},
                               {"questions", {{"per_answer", profile.per_answer}, {"top_p", 0.9}, {"max_new_tokens", 32}, {"seed", args.seed}}},
                               {"filter", filter}};
    if (!gpt2_questions) {
      pipeline.erase("question_model");
      pipeline.erase("questions");
      pipeline["question_generator"] = "cloze";
      pipeline["cloze"] = {{"words_each_side", 10}};
    }
    write_file_atomic(p("pipeline.json"), pipeline.dump(2) + "\n");
    // Every run of the demo retrains the generators, so stages of an earlier run (made by other
    // models) are removed rather than refused; training steps run with --no-resume likewise.
    fs::remove_all(p("generated"));
  }
  steps.run("synthetic questions for part " + generated_from + ": answers -> questions -> round-trip filter", {"qagen", "run", "--config", p("pipeline.json")});
  const auto synthetic = read_squad(p("generated/synthetic.json"));
  const auto random_draw = sample_questions(read_squad(p("generated/synthetic-unfiltered.json")), synthetic.num_questions(), args.seed);
  write_squad(random_draw, p("parts/synthetic-random.json"));
  write_squad(merged(synthetic, parts[1]), p("parts/synthetic-human.json"));
  // The control for synthetic + human: as many unfiltered pairs, so a gain that is only another
  // shuffle of the training windows shows as one here too.
  write_squad(merged(random_draw, parts[1]), p("parts/synthetic-random-human.json"));

  {
    std::vector<DemoJob> jobs;
    std::map<std::string, int> job_of;
    for (auto& row : rows) {
      if (row.key != "human") add_row_job(row, jobs, job_of);
    }
    steps.run_together(jobs, slots, step_threads);
  }

  const auto report = nlohmann::json::parse(read_file(p("generated/report.json")));
  const auto& sum = report["summary"];
  const double kept_fraction = sum["questions"].get<double>() > 0 ? sum["kept"].get<double>() / sum["questions"].get<double>() : 0.0;
  std::cout << fmt::format("\n== synthetic QA demo, profile {} (seed {}, {}{}, {} questions), scored on part C ({} questions), official SQuAD v1.1 metric\n",
                           profile.name, args.seed, args.init.empty() ? "pretrained here with " + args.pretrain : "--init " + args.init,
                           lexical ? ", lexical-match features" : "", generator, c.num_questions());
  std::cout << fmt::format("{:<44} {:>10} {:>8} {:>8}\n", "QA model trained on", "questions", "EM", "F1");
  nlohmann::json results;
  for (const auto& row : rows) {
    const auto scored = nlohmann::json::parse(
        format_squad_eval(evaluate_squad(c, read_squad_predictions(p("pred-" + row.key + ".json")), {}), false));
    const double em = scored["exact_match"].get<double>(), f1 = scored["f1"].get<double>();
    std::cout << fmt::format("{:<44} {:>10} {:>8.2f} {:>8.2f}\n", row.label, row.data.empty() ? "-" : std::to_string(row.questions), em, f1);
    results[row.key] = {{"em", em}, {"f1", f1}, {"questions", row.questions}};
  }
  std::cout << fmt::format("generation: {} paragraphs -> {} answers -> {} questions -> {} kept ({:.1f}%; round trip: {})\n",
                           sum["paragraphs"].dump(), sum["candidate_answers"].dump(), sum["questions"].dump(), sum["kept"].dump(),
                           100.0 * kept_fraction, filter_rule);
  // Twenty generated pairs, drawn with the seed, with the filter's verdict.
  auto filtered = read_records(p("generated/filtered.jsonl"));
  Rng rng(args.seed);
  rng.shuffle(filtered.begin(), filtered.end());
  filtered.resize(std::min<std::size_t>(20, filtered.size()));
  std::cout << "\nsampled generated pairs (verdict | question | generated answer | filter QA answer):\n";
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& r : filtered) {
    const bool kept = r.value("kept", false);
    std::cout << fmt::format("  {:<7} | {} | {} | {}\n", kept ? "kept" : "dropped", r.value("question", ""), r.value("answer", ""),
                             r.value("qa_answer", ""));
    samples.push_back({{"kept", kept}, {"question", r.value("question", "")}, {"answer", r.value("answer", "")},
                       {"qa_answer", r.value("qa_answer", "")}});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - total_start).count();
  results["kept_fraction"] = kept_fraction;
  results["seconds"] = seconds;
  results["models"] = {{"human", p("qa-human/model")}, {"synthetic_human", p("qa-synthetic_human/model")}};
  results["profile"] = profile.name;
  results["seed"] = args.seed;
  results["pretrain"] = args.init.empty() ? args.pretrain : "init:" + args.init;
  results["lexical_match"] = lexical;
  results["question_generator"] = generator;
  results["filter"] = filter;
  // How every row's reader was trained, for experiments that add rows to this run.
  results["reader"] = {{"epochs", profile.qa_epochs}, {"batch_size", profile.qa_batch}, {"lr", profile.qa_lr},
                       {"max_length", profile.max_length}, {"stride", 64}};
  results["held_out_questions"] = c.num_questions();
  results["more_paragraphs"] = {{"sources", args.more_paragraphs}, {"paragraphs", more.num_paragraphs()}, {"left_out", overlapping}};
  results["generation"] = sum;
  results["samples"] = samples;
  results["step_seconds"] = steps.seconds();
  write_file_atomic(p("results.json"), results.dump(2) + "\n");
  std::cout << fmt::format("\n{:.0f} s in all; results in {}/results.json\n", seconds, out);
  return 0;
}

}  // namespace

void register_demo_command(CLI::App& app, CommandTable& table, const GlobalOptions& global) {
  auto* demo = app.add_subcommand("demo", "The synthetic-QA pipeline end to end on the mirror data (default profile: within 15 minutes on 2 cores)");
  auto args = std::make_shared<DemoArgs>();
  demo->add_option("--out", args->out_dir, "Working directory (models, generated data, results.json)")->capture_default_str();
  std::string names;
  for (const auto& n : demo_profile_names()) names += (names.empty() ? "" : ", ") + n;
  demo->add_option("--profile", args->profile, "Run size: " + names + " (default <= 15 min on 2 cores from the shipped models: 9-12 min measured; full: 25-32 min from them, 51 with --from-scratch; gpu: one GPU, bf16)")
      ->capture_default_str();
  demo->add_flag("--smoke", args->smoke, "The smoke profile: every stage on ~20 paragraphs with tiny models");
  demo->add_option("--init", args->init,
                   "Start from pretrained models: DIR/bert (a BERT) and, for --question-generator gpt2, DIR/gpt2 (a GPT-2). The "
                   "default and full profiles use the shipped models/ when present");
  demo->add_flag("--from-scratch", args->from_scratch, "Pretrain here even when shipped models/ are present");
  demo->add_option("--pretrain", args->pretrain, "How the BERT is pretrained without --init: mlm or electra")->capture_default_str();
  demo->add_flag("--lexical-match,!--no-lexical-match", args->lexical_match,
                 "QA models (and the filter) with lexical-match features (word, sentence and distance to a match; on by "
                 "default: +7 F1 at the default size, docs/results.md)");
  demo->add_option("--question-generator", args->question_generator,
                   "gpt2 (a GPT-2 trained on part A's questions, Puri et al. 2020) or cloze (rule-based: the answer's sentence "
                   "with a wh-word, Lewis et al. 2019; no generator to train). Default: the profile's (cloze on CPU, gpt2 on gpu)");
  demo->add_option("--more-paragraphs", args->more_paragraphs,
                   "Also generate synthetic questions on these paragraphs (their questions unused): squad-rest (the SQuAD "
                   "dev articles outside A, B, C) or a registered QA file NAME/FILE; repeatable. Paragraphs also in A, B "
                   "or C are left out");
  demo->add_option("--seed", args->seed, "Seed of every step")->capture_default_str();
  demo->add_option("--jobs", args->jobs,
                   "How many steps run at once after pretraining, each on one CPU thread (so no result depends on this or "
                   "on the cores; output of each in OUT/logs/). Default: --threads, else every core; 1 on a GPU")
      ->check(CLI::Range(0, 1024));
  set_example(demo, "  frugal --mirror ../shared/data demo --out /tmp/demo\n"
                    "  frugal --mirror ../shared/data demo --profile full --pretrain electra --out /tmp/demo-full\n"
                    "  frugal --mirror ../shared/data demo --smoke --out /tmp/smoke");
  table.add(demo, [args, &global] {
    if (!args->init.empty() && args->from_scratch) throw InputError("--init and --from-scratch exclude each other");
    return run_demo(*args, global);
  });
}

}  // namespace frugal::cli
