#include "tasks/qagen/stages_torch.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/fingerprint.h"
#include "core/progress.h"
#include "core/utf8.h"
#include "data/squad.h"
#include "tasks/qa/qa_model_torch.h"
#include "tasks/qa/squad_metric.h"
#include "tasks/qagen/records.h"
#include "text/tokenizer_loader.h"
#include "nn/bert_family_torch.h"

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

// A stage's input, streamed: count() sizes the progress bar (a cheap pass), each(fn) feeds
// every input unit in file order. Units are numbered 0, 1, ... in that order.
template <class Unit>
struct UnitStream {
  std::function<std::size_t()> count;
  std::function<void(const std::function<void(Unit&)>&)> each;
};

// What a stage's output depends on: the stage, its input file, the model (none: "") and the
// options (chunk size and threads do not change a byte, so they are not part of it).
// The precision enters only when not fp32, so outputs of earlier versions still resume.
nlohmann::json stage_fingerprint(const std::string& stage, const std::string& input, const std::string& model_dir,
                                 const nlohmann::json& options, const StageRun& run) {
  nlohmann::json f = {{"stage", stage},
                      {"input", file_identity(input)},
                      {"options", options},
                      {"shard", fmt::format("{}/{}", run.shard.index, run.shard.count)}};
  if (!model_dir.empty()) f["model"] = file_identity(model_dir + "/model.safetensors");
  if (run.precision != Precision::kFp32) f["precision"] = precision_name(run.precision);
  return f;
}

// The stage's model, eval mode, at the run's precision, on the run's device.
Model stage_model(const std::string& model_dir, const StageRun& run) {
  auto model = Model::load(model_dir);
  to_precision(model, run.device, run.precision);
  model.module()->eval();
  return model;
}

nlohmann::json read_json_file(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(InputLocation{path}, "is not a JSON object (a damaged stage file: delete it)");
  return j;
}

// The resumable chunk loop shared by the stages: reads the input as a stream, gathers this
// shard's units into chunks of run.chunk, and commits work(units, indices)'s output lines chunk
// by chunk. Memory holds one chunk. Returns the stage's stats (inputs, outputs, seconds,
// resumed_from). A finished or partial output made with another fingerprint is refused.
template <class Unit>
nlohmann::json run_chunks(
    const std::string& stage, const std::string& out, const UnitStream<Unit>& input, const StageRun& run,
    const nlohmann::json& fingerprint,
    const std::function<std::string(std::vector<Unit>&, const std::vector<std::size_t>&, std::size_t& outputs)>& work) {
  const auto stats_path = out + ".stats.json";
  if (fs::exists(out) && fs::exists(stats_path)) {
    auto done = read_json_file(stats_path);
    check_fingerprint(stats_path, done.value("fingerprint", nlohmann::json()), fingerprint,
                            "delete " + out + " to redo the stage, or choose another --out");
    spdlog::info("{}: {} is finished (same input, model and options): skipped", stage, out);
    done["skipped_finished_stage"] = true;
    return done;
  }
  const std::size_t total_units = input.count();
  std::size_t owned_units = 0;
  for (std::size_t u = 0; u < total_units; ++u) owned_units += run.shard.owns(u) ? 1 : 0;
  const auto partial = out + ".partial", marker = out + ".partial.done";
  std::size_t done_units = 0, outputs = 0;
  std::uint64_t done_bytes = 0;
  if (fs::exists(partial) && fs::exists(marker)) {
    const auto m = read_json_file(marker);
    check_fingerprint(marker, m.value("fingerprint", nlohmann::json()), fingerprint,
                            "delete " + partial + " to start the stage afresh");
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
  Progress progress(owned_units, po);
  progress.skip(done_units);
  const auto start = std::chrono::steady_clock::now();
  std::vector<Unit> chunk;
  std::vector<std::size_t> indices;
  const auto commit_chunk = [&] {
    const auto text = work(chunk, indices, outputs);
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
    done_units += chunk.size();
    done_bytes += text.size();
    write_file_atomic(marker, nlohmann::json{{"units", done_units}, {"bytes", done_bytes}, {"outputs", outputs},
                                             {"fingerprint", fingerprint}}.dump());
    progress.advance(chunk.size());
    chunk.clear();
    indices.clear();
  };
  std::size_t unit = 0, owned = 0;
  input.each([&](Unit& item) {
    const auto u = unit++;
    if (!run.shard.owns(u)) return;
    if (owned++ < done_units) return;  // committed before a restart
    chunk.push_back(std::move(item));
    indices.push_back(u);
    if (chunk.size() == run.chunk) commit_chunk();
  });
  if (!chunk.empty()) commit_chunk();
  if (unit != total_units) {
    throw std::runtime_error(fmt::format("{} changed while the {} stage read it ({} units, then {})", out, stage, total_units, unit));
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fs::rename(partial, out);
  fs::remove(marker);
  nlohmann::json stats = {{"stage", stage},   {"inputs", owned_units},   {"outputs", outputs},
                          {"seconds", seconds}, {"resumed_from", resumed_from},
                          {"inputs_per_s", seconds > 0 ? static_cast<double>(owned_units - resumed_from) / seconds : 0.0},
                          {"shard", fmt::format("{}/{}", run.shard.index, run.shard.count)}, {"fingerprint", fingerprint}};
  write_file_atomic(stats_path, stats.dump(2) + "\n");
  return stats;
}

// A JSONL record with its line number (for errors).
struct Record {
  nlohmann::json value;
  std::uint64_t line = 0;
};

UnitStream<Record> record_stream(const std::string& path) {
  return {[path] { return count_records(path); },
          [path](const std::function<void(Record&)>& fn) {
            for_each_record(path, [&](nlohmann::json& j, std::uint64_t line) {
              Record r{std::move(j), line};
              fn(r);
            });
          }};
}

}  // namespace

nlohmann::json run_answer_stage(const std::string& model_dir, const std::string& paragraphs_path, const std::string& out,
                                const AnswerSamplingOptions& sampling, std::size_t max_length, std::size_t stride,
                                const StageRun& run) {
  auto model = stage_model(model_dir, run);
  model.check_length(max_length);
  Tokenizer tokenizer = load_tokenizer(model_dir);  // the model directory holds its tokenizer
  std::size_t empty = 0;
  const UnitStream<Paragraph> input{[&] {
                                      std::size_t n = 0;
                                      empty = for_each_paragraph(paragraphs_path, [&](Paragraph&) { ++n; });
                                      return n;
                                    },
                                    [&](const std::function<void(Paragraph&)>& fn) { for_each_paragraph(paragraphs_path, fn); }};
  AnswerFeatureOptions fo{max_length, stride, static_cast<std::size_t>(max_span_length_of(model))};
  nlohmann::json options = {{"per_context", sampling.per_context}, {"top_k", sampling.top_k},   {"top_p", sampling.top_p},
                                   {"temperature", sampling.temperature}, {"greedy", sampling.greedy}, {"seed", sampling.seed},
                                   {"max_length", max_length},           {"stride", stride}};
  if (sampling.max_words > 0) options["max_words"] = sampling.max_words;  // absent when off: earlier outputs still resume
  if (sampling.disjoint) options["disjoint"] = true;
  auto stats = run_chunks<Paragraph>("answers", out, input, run, stage_fingerprint("answers", paragraphs_path, model_dir, options, run),
                                     [&](std::vector<Paragraph>& paragraphs, const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<AnswerContext> contexts;
    for (const auto& p : paragraphs) contexts.push_back({p.id, p.context, {}});
    const auto features = make_answer_features(tokenizer, contexts, fo, nullptr, run.threads);
    // Seeds by paragraph, not by chunk: the same paragraph gets the same answers in any shard.
    AnswerSamplingOptions s = sampling;
    s.context_keys.assign(units.begin(), units.end());
    s.max_length = max_length;
    s.threads = run.threads;
    const auto answers = sample_answers(model, contexts, features, s);
    std::string text;
    for (std::size_t i = 0; i < paragraphs.size(); ++i) {
      const auto& p = paragraphs[i];
      for (const auto& a : answers[i]) {
        text += jsonl({{"paragraph_id", p.id}, {"title", p.title}, {"context", p.context}, {"answer", a.text},
                       {"answer_start", a.start_char}, {"answer_probability", a.probability}, {"answer_model", model_dir}});
        ++outputs;
      }
    }
    return text;
  });
  stats["empty_paragraphs_skipped"] = empty;
  stats["paragraphs"] = stats["inputs"];
  return stats;
}

nlohmann::json run_question_stage(const std::string& model_dir, const std::string& answers_path, const std::string& out,
                                  const QuestionSamplingOptions& sampling, const QuestionFeatureOptions& fo, const StageRun& run) {
  auto model = stage_model(model_dir, run);
  Tokenizer tokenizer = load_tokenizer(model_dir);  // the model directory holds its tokenizer
  const auto special = QuestionTokens::of(tokenizer);
  std::size_t unusable = 0;
  const nlohmann::json options = {{"per_answer", sampling.per_answer},   {"max_new_tokens", sampling.max_new_tokens},
                                   {"top_k", sampling.top_k},             {"top_p", sampling.top_p},
                                   {"temperature", sampling.temperature}, {"seed", sampling.seed},
                                   {"batch_size", sampling.batch_size},   {"use_cache", sampling.use_cache},
                                   {"copy_bonus", sampling.copy_bonus},   {"copy_window", sampling.copy_window}};
  auto stats = run_chunks<Record>("questions", out, record_stream(answers_path), run,
                                  stage_fingerprint("questions", answers_path, model_dir, options, run),
                                  [&](std::vector<Record>& records, const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<QuestionFeature> prompts;
    for (const auto& [r, line] : records) {
      prompts.push_back(question_prompt(tokenizer, special,
                                        {record_string(r, "context", answers_path, line), record_string(r, "answer", answers_path, line),
                                         record_int(r, "answer_start", answers_path, line)},
                                        fo));
    }
    // Rows are keyed by the record's index: results do not depend on chunking or sharding.
    QuestionSamplingOptions s = sampling;
    s.prompt_keys.assign(units.begin(), units.end());
    s.threads = run.threads;
    for (const auto& p : prompts) unusable += p.ids.empty() ? 1 : 0;  // answer not at its offset
    const auto generated = generate_questions(model, tokenizer, special, prompts, s);
    std::string text;
    for (std::size_t i = 0; i < records.size(); ++i) {
      for (std::size_t j = 0; j < generated[i].size(); ++j) {
        const auto& q = generated[i][j];
        if (q.text.empty()) continue;
        auto r = records[i].value;
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

nlohmann::json run_cloze_question_stage(const std::string& answers_path, const std::string& out, const ClozeQuestionOptions& options,
                                        const StageRun& run) {
  std::size_t unusable = 0;
  const auto fingerprint =
      stage_fingerprint("cloze-questions", answers_path, "", {{"words_each_side", options.words_each_side}}, run);
  auto stats = run_chunks<Record>("questions", out, record_stream(answers_path), run, fingerprint,
                                  [&](std::vector<Record>& records, const std::vector<std::size_t>&, std::size_t& outputs) {
    std::string text;
    for (auto& [r, line] : records) {
      const auto question = cloze_question(record_string(r, "context", answers_path, line), record_string(r, "answer", answers_path, line),
                                           record_int(r, "answer_start", answers_path, line), options);
      if (question.empty()) {
        ++unusable;
        continue;
      }
      r["question"] = question;
      r["question_log_probability"] = 0.0;
      r["question_finished"] = true;
      r["question_sample"] = 0;
      r["question_model"] = "cloze";
      text += jsonl(r);
      ++outputs;
    }
    return text;
  });
  stats["answers_without_question"] = unusable;
  return stats;
}

nlohmann::json run_filter_stage(const std::string& model_dir, const std::string& questions_path, const std::string& out,
                                const FilterOptions& options, const StageRun& run) {
  options.keep.check("qagen filter");
  auto model = stage_model(model_dir, run);
  model.check_length(options.max_length);
  Tokenizer tokenizer = load_tokenizer(model_dir);  // the model directory holds its tokenizer
  nlohmann::json fingerprint_options = {{"mode", options.keep.mode},
                                         {"f1_threshold", options.keep.f1_threshold},
                                         {"max_length", options.max_length},
                                         {"stride", options.stride},
                                         {"max_answer_length", options.max_answer_length}};
  // Added only when set, so stages written before the probability gate existed still resume.
  if (options.keep.min_probability > 0.0) fingerprint_options["min_probability"] = options.keep.min_probability;
  const QaFeatureOptions windows{options.max_length, options.stride, 64, lexical_match_types_of(model)};
  auto stats = run_chunks<Record>("filter", out, record_stream(questions_path), run,
                                  stage_fingerprint("filter", questions_path, model_dir, fingerprint_options, run),
                                  [&](std::vector<Record>& records, const std::vector<std::size_t>& units, std::size_t& outputs) {
    std::vector<QaQuestion> questions;
    for (std::size_t i = 0; i < records.size(); ++i) {
      QaQuestion q;
      q.id = std::to_string(units[i]);
      q.context = record_string(records[i].value, "context", questions_path, records[i].line);
      q.question = record_string(records[i].value, "question", questions_path, records[i].line);
      questions.push_back(std::move(q));
    }
    const auto features = make_qa_features(tokenizer, questions, windows, nullptr, run.threads);
    QaPredictOptions po;
    po.max_length = options.max_length;
    po.threads = run.threads;
    po.decode.max_answer_length = options.max_answer_length;
    const auto answers = predict_answers(model, questions, features, po);
    std::string text;
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto& r = records[i].value;
      const auto generated = record_string(r, "answer", questions_path, records[i].line);
      const double f1 = squad_f1(generated, answers[i].text, SquadMetricVersion::V1_1);
      const bool exact = squad_exact(generated, answers[i].text);
      const double probability = answers[i].nbest.empty() ? 0.0 : answers[i].nbest.front().probability;
      const bool keep = options.keep.keeps(f1, exact, probability);
      r["qa_answer"] = answers[i].text;
      r["qa_probability"] = probability;
      r["exact"] = exact;
      r["f1"] = f1;
      r["kept"] = keep;
      r["filter_model"] = model_dir;
      text += jsonl(r);
      ++outputs;
    }
    return text;
  });
  // Counted over the whole file (a resumed stage saw only part of it).
  std::size_t total_kept = 0, total = 0;
  for_each_record(out, [&](nlohmann::json& r, std::uint64_t line) {
    ++total;
    total_kept += record_bool(r, "kept", false, out, line) ? 1 : 0;
  });
  stats["kept"] = total_kept;
  stats["kept_percent"] = total > 0 ? 100.0 * static_cast<double>(total_kept) / static_cast<double>(total) : 0.0;
  return stats;
}

}  // namespace frugal
