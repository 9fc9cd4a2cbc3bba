#pragma once
// The JSONL records passed between the synthetic-QA stages. Every record carries its provenance:
//   answers:   paragraph_id, title, context, answer, answer_start (code points), answer_probability, answer_model
//   questions: + question, question_log_probability, question_sample, question_model
//   filtered:  + qa_answer, qa_probability, f1, exact, kept, filter_model
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace frugal {

struct Paragraph {
  std::string id, title, context;
};

// Paragraphs from SQuAD JSON (ids "a<article>-p<paragraph>") or plain text (one paragraph per
// line, id "l<line>"), streamed in file order: memory holds one line, or one article of SQuAD
// JSON (data/squad_stream.h: the file must be what read_squad accepts). Empty paragraphs are
// skipped; returns how many.
std::size_t for_each_paragraph(const std::string& path, const std::function<void(Paragraph&)>& fn);
std::vector<Paragraph> read_paragraphs(const std::string& path, std::size_t* skipped = nullptr);

// Every line of a JSONL file as a JSON object, streamed; InputError naming FILE:LINE otherwise.
// Blank lines are ignored.
void for_each_record(const std::string& path, const std::function<void(nlohmann::json&, std::uint64_t)>& fn);
std::vector<nlohmann::json> read_records(const std::string& path);
// One record as a JSONL line (invalid UTF-8 replaced), as every stage writes it.
std::string jsonl(const nlohmann::json& record);

// Non-blank lines, without parsing them (sizes progress bars of streamed stages).
std::size_t count_records(const std::string& path);

// Fields a stage needs, with an InputError naming the file, line and field when absent.
std::string record_string(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line);
std::int64_t record_int(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line);
double record_double(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line);
bool record_bool(const nlohmann::json& r, const char* key, const std::string& path, std::uint64_t line);
// Optional fields: `fallback` when absent or null, an InputError like the above for another type.
bool record_bool(const nlohmann::json& r, const char* key, bool fallback, const std::string& path, std::uint64_t line);
std::string record_string_or(const nlohmann::json& r, const char* key, const std::string& fallback, const std::string& path,
                             std::uint64_t line);

}  // namespace frugal
