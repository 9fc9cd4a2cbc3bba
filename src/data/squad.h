#pragma once
// SQuAD v1.1 / v2.0 JSON: reading (simdjson), writing (atomic), and validation of answer
// offsets. answer_start counts Unicode code points of the context, as in the official files.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/atomic_file.h"

namespace frugal {

struct SquadAnswer {
  std::string text;
  std::int64_t answer_start = 0;  // code points into the context
};

struct SquadQuestion {
  std::string id;
  std::string question;
  std::vector<SquadAnswer> answers;  // empty for unanswerable v2.0 questions
  bool is_impossible = false;
  std::vector<SquadAnswer> plausible_answers;  // v2.0, optional
};

struct SquadParagraph {
  std::string context;
  std::vector<SquadQuestion> qas;
};

struct SquadArticle {
  std::string title;
  std::vector<SquadParagraph> paragraphs;
};

struct SquadDataset {
  std::string version;  // as in the file ("1.1", "v2.0"); empty when absent
  std::vector<SquadArticle> articles;

  std::size_t num_paragraphs() const;
  std::size_t num_questions() const;
  std::size_t num_unanswerable() const;
  // True when the file says v2.x: the v2.0 metric and no-answer rules apply.
  bool is_v2() const;
};

SquadDataset read_squad(const std::string& path);
SquadDataset parse_squad(std::string_view json, const std::string& name);

// `n` questions (all when fewer) drawn without replacement with `seed`, kept in their paragraphs
// and in file order; consecutive articles of one title become one. The same seed gives the same
// draw on every machine (core/rng.h).
SquadDataset sample_questions(const SquadDataset& data, std::size_t n, std::uint64_t seed);

// The JSON text (Python json.dump layout: ", " and ": "), "version" last as in the
// official files. is_impossible/plausible_answers are written only for v2 data.
std::string squad_to_json(const SquadDataset& data);
void write_squad(const SquadDataset& data, const std::string& path);

// The same text as write_squad, written one article at a time (memory holds one article);
// the file appears on commit() only.
class SquadWriter {
 public:
  SquadWriter(const std::string& path, std::string version);
  void add(const SquadArticle& article);
  void commit();
  std::size_t articles() const { return articles_; }

 private:
  AtomicFile file_;
  std::string version_;
  bool v2_;
  std::size_t articles_ = 0;
};

struct SquadProblem {
  std::string location;  // data[i].paragraphs[j].qas[k].answers[m]
  std::string question_id;
  std::string problem;
};

// Answers whose answer_start is out of range or whose text differs from the context at
// that offset; duplicate question ids; impossible questions that carry answers.
std::vector<SquadProblem> validate_squad(const SquadDataset& data);

}  // namespace frugal
