#include "tasks/qagen/stages_torch.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/utf8.h"
#include "data/squad.h"
#include "tasks/qa/qa_model_torch.h"
#include "tasks/qa/squad_metric.h"
#include "tasks/qagen/records.h"
#include "text/tokenizer_loader.h"

namespace fs = std::filesystem;

namespace frugal {

Shard Shard::parse(const std::string& text) {
  Shard s;
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    s.index = std::stoul(text.substr(0, slash));
    s.count = std::stoul(text.substr(slash + 1));
  } catch (const std::exception&) {
    throw InputError("--shard '" + text + "' is not i/n");
  }
  if (s.count == 0 || s.index >= s.count) throw InputError("--shard '" + text + "': need 0 <= i < n");
  return s;
}

namespace {

std::string tokenizer_in(const std::string& dir) {
  for (const char* f : {"tokenizer.json", "vocab.txt"}) {
    if (fs::exists(dir + "/" + f)) return dir + "/" + f;
  }
  if (fs::exists(dir + "/vocab.json")) return dir;
  throw InputError(InputLocation{dir}, "no tokenizer files in the model directory");
}

// The resumable chunk loop shared by the stages. work(units) returns the output lines of
// those input units; returns the stage's stats (inputs, outputs, seconds, resumed_from).
nlohmann::json run_chunks(const std::string& stage, const std::string& out, std::size_t total_units, const StageRun& run,
                          const std::function<std::string(const std::vector<std::size_t>&, std::size_t& outputs)>& work) {
  const auto stats_path = out + ".stats.json";
  if (fs::exists(out) && fs::exists(stats_path)) {
    auto done = nlohmann::json::parse(read_file(stats_path));
    done["skipped_finished_stage"] = true;
    return done;
  }
  std::vector<std::size_t> units;
  for (std::size_t u = 0; u < total_units; ++u) {
    if (run.shard.owns(u)) units.push_back(u);
  }
  const auto partial = out + ".partial", marker = out + ".partial.done";
  std::size_t done_units = 0, outputs = 0;
  std::uint64_t done_bytes = 0;
  if (fs::exists(partial) && fs::exists(marker)) {
    const auto m = nlohmann::json::parse(read_file(marker));
    done_units = m.at("units").get<std::size_t>();
    done_bytes = m.at("bytes").get<std::uint64_t>();
    outputs = m.at("outputs").get<std::size_t>();
    fs::resize_file(partial, done_bytes);  // drop a chunk written after the last marker
  } else {
    std::ofstream(partial, std::ios::trunc);
  }
  const std::size_t resumed_from = done_units;
  ProgressOptions po;
  po.label = stage;
  po.unit = "units";
  po.enabled = run.progress;
  Progress progress(units.size(), po);
  progress.skip(done_units);
  const auto start = std::chrono::steady_clock::now();
  while (done_units < units.size()) {
    const auto n = std::min(run.chunk, units.size() - done_units);
    const std::vector<std::size_t> chunk(units.begin() + static_cast<std::ptrdiff_t>(done_units),
                                         units.begin() + static_cast<std::ptrdiff_t>(done_units + n));
    const auto text = work(chunk, outputs);
    {
      std::ofstream f(partial, std::ios::app | std::ios::binary);
      f << text;
      f.flush();
      if (!f) throw std::runtime_error("cannot write " + partial);
    }
    // Test aid: die like a killed process after the chunk's lines reach the file but before the
    // marker counts them (the resume must drop them and redo the chunk).
    if (const char* crash = std::getenv("FRUGAL_TEST_CRASH_AFTER_CHUNK"); crash != nullptr && std::atoi(crash) > 0 &&
        done_units / run.chunk + 1 == static_cast<std::size_t>(std::atoi(crash))) {
      std::_Exit(137);
    }
    if (FILE* fp = std::fopen(partial.c_str(), "rb")) {
      ::fsync(fileno(fp));
      std::fclose(fp);
    }
    done_units += n;
    done_bytes += text.size();
    write_file_atomic(marker, nlohmann::json{{"units", done_units}, {"bytes", done_bytes}, {"outputs", outputs}}.dump());
    progress.advance(n);
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fs::rename(partial, out);
  fs::remove(marker);
  nlohmann::json stats = {{"stage", stage},   {"inputs", units.size()},   {"outputs", outputs},
                          {"seconds", seconds}, {"resumed_from", resumed_from},
                          {"inputs_per_s", seconds > 0 ? static_cast<double>(units.size() - resumed_from) / seconds : 0.0},
                          {"shard", fmt::format("{}/{}", run.shard.index, run.shard.count)}};
  write_file_atomic(stats_path, stats.dump(2) + "\n");
  return stats;
}

std::string jsonl(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; }

}  // namespace

nlohmann::json run_answer_stage(const std::string& model_dir, const std::string& paragraphs_path, const std::string& out,
                                const AnswerSamplingOptions& sampling, std::size_t max_length, std::size_t stride,
                                const StageRun& run) {
  auto model = Model::load(model_dir);
  model.module()->eval();
  Tokenizer tokenizer = load_tokenizer(tokenizer_in(model_dir));
  std::size_t empty = 0;
  const auto paragraphs = read_paragraphs(paragraphs_path, &empty);
  AnswerFeatureOptions fo{max_length, stride, static_cast<std::size_t>(model.max_span_length())};
  auto stats = run_chunks("answers", out, paragraphs.size(), run, [&](const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<AnswerContext> contexts;
    for (const auto u : units) contexts.push_back({paragraphs[u].id, paragraphs[u].context, {}});
    const auto features = make_answer_features(tokenizer, contexts, fo, nullptr, run.threads);
    // Seeds by paragraph, not by chunk: the same paragraph gets the same answers in any shard.
    AnswerSamplingOptions s = sampling;
    s.context_keys.assign(units.begin(), units.end());
    const auto answers = sample_answers(model, contexts, features, s);
    std::string text;
    for (std::size_t i = 0; i < units.size(); ++i) {
      const auto& p = paragraphs[units[i]];
      for (const auto& a : answers[i]) {
        text += jsonl({{"paragraph_id", p.id}, {"title", p.title}, {"context", p.context}, {"answer", a.text},
                       {"answer_start", a.start_char}, {"answer_probability", a.probability}, {"answer_model", model_dir}});
        ++outputs;
      }
    }
    return text;
  });
  stats["empty_paragraphs_skipped"] = empty;
  stats["paragraphs"] = paragraphs.size();
  return stats;
}

nlohmann::json run_question_stage(const std::string& model_dir, const std::string& answers_path, const std::string& out,
                                  const QuestionSamplingOptions& sampling, const QuestionFeatureOptions& fo, const StageRun& run) {
  auto model = Model::load(model_dir);
  model.module()->eval();
  Tokenizer tokenizer = load_tokenizer(tokenizer_in(model_dir));
  const auto special = QuestionTokens::of(tokenizer);
  const auto records = read_records(answers_path);
  std::size_t unusable = 0;
  auto stats = run_chunks("questions", out, records.size(), run, [&](const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<QuestionFeature> prompts;
    for (const auto u : units) {
      const auto& r = records[u];
      const auto line = static_cast<std::uint64_t>(u + 1);
      prompts.push_back(question_prompt(tokenizer, special,
                                        {record_string(r, "context", answers_path, line), record_string(r, "answer", answers_path, line),
                                         record_int(r, "answer_start", answers_path, line)},
                                        fo));
    }
    // Rows are keyed by the record's index: results do not depend on chunking or sharding.
    QuestionSamplingOptions s = sampling;
    s.prompt_keys.assign(units.begin(), units.end());
    for (const auto& p : prompts) unusable += p.ids.empty() ? 1 : 0;  // answer not at its offset
    const auto generated = generate_questions(model, tokenizer, special, prompts, s);
    std::string text;
    for (std::size_t i = 0; i < units.size(); ++i) {
      for (std::size_t j = 0; j < generated[i].size(); ++j) {
        const auto& q = generated[i][j];
        if (q.text.empty()) continue;
        auto r = records[units[i]];
        r["question"] = q.text;
        r["question_log_probability"] = q.log_probability;
        r["question_finished"] = q.finished;
        r["question_sample"] = j;
        r["question_model"] = model_dir;
        text += jsonl(r);
        ++outputs;
      }
    }
    return text;
  });
  stats["answers_not_in_context"] = unusable;
  return stats;
}

nlohmann::json run_filter_stage(const std::string& model_dir, const std::string& questions_path, const std::string& out,
                                const FilterOptions& options, const StageRun& run) {
  if (options.mode != "exact" && options.mode != "f1") throw InputError("filter mode must be exact or f1, not '" + options.mode + "'");
  auto model = Model::load(model_dir);
  model.module()->eval();
  Tokenizer tokenizer = load_tokenizer(tokenizer_in(model_dir));
  const auto records = read_records(questions_path);
  std::size_t kept = 0;
  auto stats = run_chunks("filter", out, records.size(), run, [&](const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<QaQuestion> questions;
    for (const auto u : units) {
      const auto line = static_cast<std::uint64_t>(u + 1);
      QaQuestion q;
      q.id = std::to_string(u);
      q.context = record_string(records[u], "context", questions_path, line);
      q.question = record_string(records[u], "question", questions_path, line);
      questions.push_back(std::move(q));
    }
    const auto features = make_qa_features(tokenizer, questions, {options.max_length, options.stride, 64}, nullptr, run.threads);
    QaPredictOptions po;
    po.batch_size = options.batch_size;
    po.decode.max_answer_length = options.max_answer_length;
    const auto answers = predict_answers(model, questions, features, po);
    std::string text;
    for (std::size_t i = 0; i < units.size(); ++i) {
      auto r = records[units[i]];
      const auto generated = r["answer"].get<std::string>();
      const double f1 = squad_f1(generated, answers[i].text, SquadMetricVersion::V1_1);
      const bool exact = squad_exact(generated, answers[i].text);
      const bool keep = options.mode == "exact" ? exact : f1 >= options.f1_threshold;
      r["qa_answer"] = answers[i].text;
      r["qa_probability"] = answers[i].nbest.empty() ? 0.0 : answers[i].nbest.front().probability;
      r["exact"] = exact;
      r["f1"] = f1;
      r["kept"] = keep;
      r["filter_model"] = model_dir;
      kept += keep ? 1 : 0;
      text += jsonl(r);
      ++outputs;
    }
    return text;
  });
  // Counted over the whole file (a resumed stage saw only part of it).
  std::size_t total_kept = 0, total = 0;
  for_each_record(out, [&](nlohmann::json& r, std::uint64_t) {
    ++total;
    total_kept += r.value("kept", false) ? 1 : 0;
  });
  stats["kept"] = total_kept;
  stats["kept_percent"] = total > 0 ? 100.0 * static_cast<double>(total_kept) / static_cast<double>(total) : 0.0;
  return stats;
}

nlohmann::json write_synthetic_squad(const std::string& filtered, const std::string& out, bool all) {
  SquadDataset data;
  data.version = "1.1";
  std::map<std::string, std::size_t> article_of;                    // title -> article
  std::map<std::pair<std::size_t, std::string>, std::size_t> paragraph_of;  // (article, context) -> paragraph
  std::size_t questions = 0;
  for_each_record(filtered, [&](nlohmann::json& r, std::uint64_t line) {
    if (!all && !r.value("kept", false)) return;
    const auto title = r.value("title", std::string());
    const auto context = record_string(r, "context", filtered, line);
    auto [it, fresh] = article_of.emplace(title.empty() ? "synthetic" : title, data.articles.size());
    if (fresh) data.articles.push_back({it->first, {}});
    auto& article = data.articles[it->second];
    auto [pit, pfresh] = paragraph_of.emplace(std::make_pair(it->second, context), article.paragraphs.size());
    if (pfresh) article.paragraphs.push_back({context, {}});
    SquadQuestion q;
    q.id = fmt::format("syn-{}-{}", record_string(r, "paragraph_id", filtered, line), line);
    q.question = record_string(r, "question", filtered, line);
    q.answers.push_back({record_string(r, "answer", filtered, line), record_int(r, "answer_start", filtered, line)});
    article.paragraphs[pit->second].qas.push_back(std::move(q));
    ++questions;
  });
  write_squad(data, out);
  return {{"questions", questions}, {"paragraphs", paragraph_of.size()}, {"articles", data.articles.size()}};
}

}  // namespace frugal
