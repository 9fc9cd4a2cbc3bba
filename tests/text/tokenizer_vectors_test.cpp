// The tokenizer test vectors of the mirror: llama.cpp's BERT (bge, bert-base-uncased vocab) and
// GPT-2 cases, and transformers.js cases for every model that uses one of the mirror's
// vocabularies. Each case checks ids; transformers.js cases also check tokens and decoding.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "core/atomic_file.h"
#include "core/json_input.h"
#include "test_support.h"
#include "text/tokenizer_loader.h"

namespace frugal {
namespace {

std::string vectors(const std::string& name) { return test::mirror_dir() + "/testvectors/tokenizers/" + name; }
std::string vocab(const std::string& name) { return test::mirror_dir() + "/vocab/" + name; }

std::vector<std::string> split_cases(const std::string& text) {
  std::vector<std::string> cases;
  const std::string marker = "\n__ggml_vocab_test__\n";
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(marker, start);
    if (at == std::string::npos) break;
    cases.push_back(text.substr(start, at - start));
    start = at + marker.size();
  }
  if (start < text.size()) cases.push_back(text.substr(start));  // a last case without its marker
  return cases;
}

std::vector<std::int32_t> parse_ids(const std::string& line) {
  std::vector<std::int32_t> ids;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos >= line.size()) break;
    std::size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    ids.push_back(std::stoi(line.substr(pos, end - pos)));
    pos = end;
  }
  return ids;
}

void check_llama_cpp(const std::string& stem, const Tokenizer& tokenizer) {
  const auto cases = split_cases(read_file(vectors(stem + ".inp")));
  const std::string out = read_file(vectors(stem + ".out"));
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    lines.push_back(out.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ASSERT_EQ(cases.size(), 46u);  // 46 cases, each followed by the marker (47 parts when split)
  ASSERT_GE(lines.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(tokenizer.encode(cases[i], false).ids, parse_ids(lines[i])) << stem << " case " << i << ": " << cases[i];
  }
}

}  // namespace

TEST(TokenizerVectors, LlamaCppBertCases) {
  check_llama_cpp("ggml-vocab-bert-bge.gguf", load_tokenizer(vocab("bert-base-uncased/vocab.txt")));
}

TEST(TokenizerVectors, LlamaCppGpt2Cases) {
  check_llama_cpp("ggml-vocab-gpt-2.gguf", load_tokenizer(vocab("gpt2")));
  check_llama_cpp("ggml-vocab-gpt-2.gguf", load_gpt2_files(vocab("gpt2/encoder.json"), vocab("gpt2/vocab.bpe")));
}

TEST(TokenizerVectors, TransformersJsCases) {
  const std::vector<std::pair<std::string, std::string>> models = {
      {"Xenova/bert-base-uncased", "bert-base-uncased/tokenizer.json"},
      {"Xenova/distilbert-base-uncased-finetuned-sst-2-english", "bert-base-uncased/vocab.txt"},
      {"Xenova/bert-base-cased", "bert-base-cased/tokenizer.json"},
      {"google-bert/bert-base-cased", "bert-base-cased/vocab.txt"},
      {"Xenova/distilbert-base-cased-distilled-squad", "bert-base-cased/vocab.txt"},
      {"Xenova/gpt2", "gpt2/tokenizer.json"},
      {"openai-community/gpt2", "gpt2"},
  };
  simdjson::dom::parser parser;
  const auto root = parse_json_file(parser, vectors("transformersjs_tokenizer_vectors.json"));
  std::size_t checked = 0;
  for (const auto& [model, files] : models) {
    const auto tokenizer = load_tokenizer(vocab(files));
    simdjson::dom::object cases;
    for (const char* group : {"bert", "distilbert", "gpt2"}) {
      if (root[group][model].get(cases) == simdjson::SUCCESS) break;
    }
    ASSERT_GT(cases.size(), 0u) << model;
    for (auto [name, c] : cases) {
      const std::string text{std::string_view(c["text"])};
      std::string_view pair;
      const bool is_pair = c["text_pair"].get(pair) == simdjson::SUCCESS;
      const auto encoding = is_pair ? tokenizer.encode_pair(text, pair) : tokenizer.encode(text);
      std::vector<std::int32_t> ids;
      for (auto id : c["ids"].get_array()) ids.push_back(static_cast<std::int32_t>(int64_t(id)));
      EXPECT_EQ(encoding.ids, ids) << model << " " << name;
      std::vector<std::string> tokens;
      for (auto t : c["tokens"].get_array()) tokens.emplace_back(std::string_view(t));
      const auto plain = is_pair ? tokenizer.encode_pair(text, pair, false) : tokenizer.encode(text, false);
      EXPECT_EQ(plain.tokens, tokens) << model << " " << name;
      EXPECT_EQ(tokenizer.decode(ids, false), std::string(std::string_view(c["decoded"]))) << model << " " << name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 30u + 12u + 8u + 1u + 25u + 26u + 26u);
}

}  // namespace frugal
