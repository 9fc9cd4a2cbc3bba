#include "apps/cli/qagen_stages.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/squad.h"
#include "tasks/qagen/stages_torch.h"
#include "core/json_input.h"
#include "nn/device_torch.h"

namespace fs = std::filesystem;

namespace frugal::cli {
namespace {

struct StageArgs {
  std::string model, input, out, shard = "0/1";
  std::size_t chunk = 64;
  std::string precision = "fp32", device = "cpu";
};

// What every stage takes: its input, its output, the shard and the chunk.
void add_stage_io_args(CLI::App* cmd, StageArgs& a, const char* input_help, const char* output_help) {
  cmd->add_option("--input", a.input, input_help)->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", a.out, output_help)->required();
  cmd->add_option("--shard", a.shard, "i/n: process only input units with index % n == i")->capture_default_str();
  cmd->add_option("--chunk", a.chunk, "Input units per committed chunk (resume granularity)")->capture_default_str();
}

// A model's stage: the above and the model, its precision and device.
void add_stage_args(CLI::App* cmd, StageArgs& a, const char* input_help, const char* output_help) {
  cmd->add_option("--model", a.model, "Model directory")->required();
  add_stage_io_args(cmd, a, input_help, output_help);
  cmd->add_option("--precision", a.precision, "fp32, bf16, fp16 or int8 (the model's Linear layers quantized)")->capture_default_str();
  cmd->add_option("--device", a.device, "cpu, cuda, cuda:N")->capture_default_str();
}

// The round-trip keep rule's options (qagen filter and qagen keep).
void add_keep_rule_args(CLI::App* cmd, KeepRule& rule) {
  cmd->add_option("--mode", rule.mode, "exact (normalised answers equal) or f1")->capture_default_str();
  cmd->add_option("--f1-threshold", rule.f1_threshold, "f1 mode: keep when F1 >= this")->capture_default_str();
  cmd->add_option("--min-probability", rule.min_probability,
                  "Also require the filter reader's probability of its answer >= this (0: not looked at)")
      ->capture_default_str();
}

StageRun stage_run(const StageArgs& a, const GlobalOptions& global) {
  StageRun r;
  r.shard = Shard::parse(a.shard);
  r.chunk = std::max<std::size_t>(1, a.chunk);
  r.progress = !global.no_progress;
  r.threads = worker_threads(global.threads);
  r.precision = parse_precision(a.precision);
  r.device = parse_device(a.device);
  return r;
}

template <class T>
void get(const nlohmann::json& j, const char* key, T& field, const std::string& file) {
  if (!j.contains(key)) return;
  try {
    field = j[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(InputLocation{file, 0, 0, key}, "wrong type");
  }
}

void answer_sampling_from(const nlohmann::json& j, AnswerSamplingOptions& o, const std::string& file) {
  get(j, "per_context", o.per_context, file);
  get(j, "top_k", o.top_k, file);
  get(j, "top_p", o.top_p, file);
  get(j, "temperature", o.temperature, file);
  get(j, "greedy", o.greedy, file);
  get(j, "max_words", o.max_words, file);
  get(j, "disjoint", o.disjoint, file);
  get(j, "seed", o.seed, file);
}

void question_sampling_from(const nlohmann::json& j, QuestionSamplingOptions& o, const std::string& file) {
  get(j, "per_answer", o.per_answer, file);
  get(j, "top_k", o.top_k, file);
  get(j, "top_p", o.top_p, file);
  get(j, "temperature", o.temperature, file);
  get(j, "max_new_tokens", o.max_new_tokens, file);
  get(j, "seed", o.seed, file);
  get(j, "batch_size", o.batch_size, file);
  get(j, "use_cache", o.use_cache, file);
  get(j, "copy_bonus", o.copy_bonus, file);
  get(j, "copy_window", o.copy_window, file);
}

int run_pipeline(const std::string& config_path, const std::string& shard_text, const GlobalOptions& global) {
  const auto text = read_file(config_path);
  const auto c = parse_nlohmann_text(text, config_path);
  const std::set<std::string> known = {"paragraphs", "work_dir", "answer_model", "question_model", "filter_model", "answers",
                                       "questions", "filter", "question_generator", "cloze", "chunk", "shard", "max_length", "stride", "precision", "device", "comment"};
  for (const auto& [k, v] : c.items()) {
    if (!known.count(k)) throw InputError(InputLocation{config_path, 0, 0, k}, "unknown key");
  }
  std::string generator = "gpt2";
  get(c, "question_generator", generator, config_path);
  if (generator != "gpt2" && generator != "cloze") {
    throw InputError(InputLocation{config_path, 0, 0, "question_generator"}, "must be gpt2 or cloze, not '" + generator + "'");
  }
  for (const char* k : {"paragraphs", "work_dir", "answer_model", "question_model", "filter_model"}) {
    if (generator == "cloze" && std::string(k) == "question_model") continue;
    if (!c.contains(k) || !c[k].is_string()) throw InputError(InputLocation{config_path, 0, 0, k}, "required (a string)");
  }
  // Relative paths in the config are relative to the config file.
  const auto base = fs::path(config_path).parent_path();
  auto path = [&](const char* key) {
    const fs::path p = c[key].get<std::string>();
    return (p.is_absolute() ? p : base / p).lexically_normal().string();
  };
  const auto work = path("work_dir");
  fs::create_directories(work);
  StageRun run;
  run.shard = Shard::parse(shard_text.empty() ? c.value("shard", std::string("0/1")) : shard_text);
  run.chunk = c.value("chunk", std::size_t{64});
  run.progress = !global.no_progress;
  run.threads = worker_threads(global.threads);
  if (c.contains("precision")) {
    if (!c["precision"].is_string()) throw InputError(InputLocation{config_path, 0, 0, "precision"}, "not a string (fp32, bf16, fp16, int8)");
    run.precision = parse_precision(c["precision"].get<std::string>(), config_path + ": precision");
  }
  if (c.contains("device")) {
    if (!c["device"].is_string()) throw InputError(InputLocation{config_path, 0, 0, "device"}, "not a string (cpu, cuda, cuda:N)");
    run.device = parse_device(c["device"].get<std::string>());
  }
  const auto suffix = run.shard.count > 1 ? fmt::format(".shard{}of{}", run.shard.index, run.shard.count) : std::string();
  AnswerSamplingOptions as;
  if (c.contains("answers")) answer_sampling_from(c["answers"], as, config_path);
  QuestionSamplingOptions qs;
  if (c.contains("questions")) question_sampling_from(c["questions"], qs, config_path);
  ClozeQuestionOptions co;
  if (c.contains("cloze")) get(c["cloze"], "words_each_side", co.words_each_side, config_path);
  FilterOptions fo;
  if (c.contains("filter")) {
    get(c["filter"], "mode", fo.keep.mode, config_path);
    get(c["filter"], "f1_threshold", fo.keep.f1_threshold, config_path);
    get(c["filter"], "min_probability", fo.keep.min_probability, config_path);
    fo.keep.check(config_path + ": filter");
  }
  const std::size_t max_length = c.value("max_length", std::size_t{256}), stride = c.value("stride", std::size_t{64});
  fo.max_length = max_length;
  fo.stride = stride;
  nlohmann::json report;
  const auto answers = work + "/answers" + suffix + ".jsonl";
  const auto questions = work + "/questions" + suffix + ".jsonl";
  const auto filtered = work + "/filtered" + suffix + ".jsonl";
  report["answers"] = run_answer_stage(path("answer_model"), path("paragraphs"), answers, as, max_length, stride, run);
  // Later stages cover everything this shard produced: no further sharding.
  StageRun all = run;
  all.shard = Shard{};
  report["questions"] = generator == "cloze" ? run_cloze_question_stage(answers, questions, co, all)
                                             : run_question_stage(path("question_model"), answers, questions, qs, QuestionFeatureOptions{}, all);
  report["filter"] = run_filter_stage(path("filter_model"), questions, filtered, fo, all);
  report["synthetic"] = write_synthetic_squad(filtered, work + "/synthetic" + suffix + ".json", false);
  report["synthetic_unfiltered"] = write_synthetic_squad(filtered, work + "/synthetic-unfiltered" + suffix + ".json", true);
  const double paragraphs = report["answers"].value("paragraphs", 0.0);
  const double seconds = report["answers"].value("seconds", 0.0) + report["questions"].value("seconds", 0.0) +
                         report["filter"].value("seconds", 0.0);
  report["summary"] = {{"paragraphs", report["answers"].value("paragraphs", std::size_t{0})},
                       {"candidate_answers", report["answers"]["outputs"]},
                       {"questions", report["questions"]["outputs"]},
                       {"kept", report["filter"]["kept"]},
                       {"kept_percent", report["filter"]["kept_percent"]},
                       {"seconds", seconds},
                       {"paragraphs_per_s", seconds > 0 ? paragraphs / seconds : 0.0},
                       {"questions_per_s", report["questions"].value("inputs_per_s", 0.0)}};
  write_file_atomic(work + "/report" + suffix + ".json", report.dump(2) + "\n");
  const auto& s = report["summary"];
  std::cout << fmt::format("paragraphs {} -> candidate answers {} -> questions {} -> kept {} ({:.1f}%)\n", paragraphs,
                           s["candidate_answers"].dump(), s["questions"].dump(), s["kept"].dump(), s["kept_percent"].get<double>());
  std::cout << fmt::format("throughput: {:.2f} paragraphs/s, {:.2f} questions generated/s (answer stage {:.1f} s, question stage {:.1f} s, filter {:.1f} s)\n",
                           s["paragraphs_per_s"].get<double>(), report["questions"].value("inputs_per_s", 0.0) * (generator == "cloze" ? 1 : qs.per_answer),
                           report["answers"].value("seconds", 0.0), report["questions"].value("seconds", 0.0),
                           report["filter"].value("seconds", 0.0));
  std::cout << "report: " << work << "/report" << suffix << ".json, data: " << work << "/synthetic" << suffix << ".json\n";
  return 0;
}

}  // namespace

void register_qagen_stage_commands(CLI::App& qagen, CommandTable& table, const GlobalOptions& global) {
  auto* answers = qagen.add_subcommand("answers", "Sample candidate answers from paragraphs (answer-span model)");
  auto aa = std::make_shared<StageArgs>();
  auto as = std::make_shared<AnswerSamplingOptions>();
  auto window = std::make_shared<std::pair<std::size_t, std::size_t>>(256, 64);
  add_stage_args(answers, *aa, "Paragraphs: SQuAD JSON or text (one paragraph per line)", "answers JSONL");
  answers->add_option("--per-context", as->per_context, "Distinct answers per paragraph")->capture_default_str();
  answers->add_option("--top-k", as->top_k, "Sample among the k most probable spans (0: off)")->capture_default_str();
  answers->add_option("--top-p", as->top_p, "Nucleus: the most probable spans holding this mass")->capture_default_str();
  answers->add_option("--temperature", as->temperature, "Softmax temperature")->capture_default_str();
  answers->add_flag("--greedy", as->greedy, "The most probable spans instead of sampling");
  answers->add_option("--max-words", as->max_words, "Longest answer in words (0: any)")->capture_default_str();
  answers->add_flag("--disjoint", as->disjoint, "No two answers of a paragraph overlap (a chosen span removes the spans that share a character with it)");
  answers->add_option("--seed", as->seed, "Sampling seed")->capture_default_str();
  answers->add_option("--max-length", window->first, "Tokens per window")->capture_default_str();
  answers->add_option("--stride", window->second, "Tokens shared by windows")->capture_default_str();
  set_example(answers, "  frugal qagen answers --model runs/answers/model --input paragraphs.txt --per-context 5 --seed 1 --out answers.jsonl");
  table.add(answers, [aa, as, window, &global] {
    std::cout << run_answer_stage(aa->model, aa->input, aa->out, *as, window->first, window->second, stage_run(*aa, global)).dump() << "\n";
    return 0;
  });

  auto* questions = qagen.add_subcommand("questions", "Generate questions for answers (GPT-2 question generator, KV cache)");
  auto qa = std::make_shared<StageArgs>();
  auto qs = std::make_shared<QuestionSamplingOptions>();
  add_stage_args(questions, *qa, "answers JSONL (frugal qagen answers)", "questions JSONL");
  questions->add_option("--per-answer", qs->per_answer, "Questions per answer (overgeneration)")->capture_default_str();
  questions->add_option("--top-k", qs->top_k, "Top-k sampling (0: off)")->capture_default_str();
  questions->add_option("--top-p", qs->top_p, "Nucleus sampling mass")->capture_default_str();
  questions->add_option("--temperature", qs->temperature, "Temperature (0: greedy)")->capture_default_str();
  questions->add_option("--max-new-tokens", qs->max_new_tokens, "Longest question")->capture_default_str();
  questions->add_option("--copy-bonus", qs->copy_bonus,
                        "Added to the logits of the context's tokens near the answer before sampling (a copy prior; 0: off)")
      ->capture_default_str();
  questions->add_option("--copy-window", qs->copy_window, "Context tokens on each side of the answer that --copy-bonus favours")
      ->capture_default_str();
  questions->add_option("--batch-size", qs->batch_size, "Sequences generated together")->capture_default_str();
  questions->add_option("--seed", qs->seed, "Sampling seed")->capture_default_str();
  questions->add_flag("--no-cache", [qs](std::int64_t) { qs->use_cache = false; },
                      "Recompute the whole prefix at every step instead of using the KV cache (benchmarks; same questions)");
  set_example(questions, "  frugal qagen questions --model runs/questions/model --input answers.jsonl --per-answer 2 --seed 1 --out questions.jsonl");
  table.add(questions, [qa, qs, &global] {
    std::cout << run_question_stage(qa->model, qa->input, qa->out, *qs, QuestionFeatureOptions{}, stage_run(*qa, global)).dump() << "\n";
    return 0;
  });

  auto* cloze = qagen.add_subcommand("cloze", "Rule-based questions for answers: the answer's sentence with a wh-word for the answer (no model)");
  auto ca = std::make_shared<StageArgs>();
  auto co = std::make_shared<ClozeQuestionOptions>();
  add_stage_io_args(cloze, *ca, "answers JSONL (frugal qagen answers)", "questions JSONL (as frugal qagen questions writes)");
  cloze->add_option("--words-each-side", co->words_each_side, "Words of the answer's sentence kept before and after it")->capture_default_str();
  set_example(cloze, "  frugal qagen cloze --input answers.jsonl --out questions.jsonl");
  table.add(cloze, [ca, co, &global] {
    std::cout << run_cloze_question_stage(ca->input, ca->out, *co, stage_run(*ca, global)).dump() << "\n";
    return 0;
  });

  auto* filter = qagen.add_subcommand("filter", "Round-trip filtration: keep questions the QA model answers with the generated answer");
  auto fa = std::make_shared<StageArgs>();
  auto fo = std::make_shared<FilterOptions>();
  auto squad_out = std::make_shared<std::string>();
  add_stage_args(filter, *fa, "questions JSONL (frugal qagen questions)", "filtered JSONL (every question with its verdict)");
  add_keep_rule_args(filter, fo->keep);
  filter->add_option("--squad-out", *squad_out, "Also write the kept pairs as SQuAD JSON");
  set_example(filter, "  frugal qagen filter --model runs/qa/model --input questions.jsonl --out filtered.jsonl --squad-out synthetic.json");
  table.add(filter, [fa, fo, squad_out, &global] {
    auto stats = run_filter_stage(fa->model, fa->input, fa->out, *fo, stage_run(*fa, global));
    if (!squad_out->empty()) stats["squad"] = write_synthetic_squad(fa->out, *squad_out, false);
    std::cout << stats.dump() << "\n";
    return 0;
  });

  auto* keep = qagen.add_subcommand("keep", "Re-decide a filter's verdicts under another keep rule (no model runs): the kept pairs and as many drawn from all");
  auto keep_in = std::make_shared<std::string>(), keep_out = std::make_shared<std::string>();
  auto keep_squad = std::make_shared<std::string>(), draw_out = std::make_shared<std::string>();
  auto rule = std::make_shared<KeepRule>();
  auto draw_seed = std::make_shared<std::uint64_t>(1);
  keep->add_option("--input", *keep_in, "filtered JSONL (frugal qagen filter)")->required()->check(CLI::ExistingFile);
  keep->add_option("--out", *keep_out, "filtered JSONL: the same records with `kept` under the new rule")->required();
  add_keep_rule_args(keep, *rule);
  keep->add_option("--squad-out", *keep_squad, "The kept pairs as SQuAD JSON");
  keep->add_option("--draw-out", *draw_out,
                   "As many pairs as kept, drawn from all of them with --seed, as SQuAD JSON (frugal demo's \"as many unfiltered\" control)");
  keep->add_option("--seed", *draw_seed, "Seed of --draw-out's draw (frugal demo uses its own --seed)")->capture_default_str();
  set_example(keep, "  frugal qagen keep --input generated/filtered.jsonl --out rekept.jsonl --mode f1 --f1-threshold 0.5 --min-probability 0.5 \\\n"
                    "      --squad-out kept.json --draw-out drawn.json --seed 1");
  table.add(keep, [keep_in, keep_out, keep_squad, draw_out, rule, draw_seed] {
    auto stats = apply_keep_rule(*keep_in, *keep_out, *rule);
    if (!keep_squad->empty()) stats["squad"] = write_synthetic_squad(*keep_out, *keep_squad, false);
    if (!draw_out->empty()) {
      const auto drawn = sample_questions(read_synthetic_squad(*keep_out, true), stats["kept"].get<std::size_t>(), *draw_seed);
      write_squad(drawn, *draw_out);
      stats["drawn"] = drawn.num_questions();
    }
    std::cout << stats.dump() << "\n";
    return 0;
  });

  auto* run = qagen.add_subcommand("run", "All stages from a config file; resumable; final SQuAD JSON and a report");
  auto config = std::make_shared<std::string>();
  auto shard = std::make_shared<std::string>();
  run->add_option("--config", *config, "Pipeline JSON (see experiments/synthetic-qa/)")->required()->check(CLI::ExistingFile);
  run->add_option("--shard", *shard, "i/n: this machine's share of the paragraphs");
  set_example(run, "  frugal qagen run --config experiments/synthetic-qa/pipeline.json [--shard 0/4]");
  table.add(run, [config, shard, &global] { return run_pipeline(*config, *shard, global); });
}

}  // namespace frugal::cli
