#pragma once
// Token-id records in JSONL, one example per line, as `frugal mask`, `frugal tokenize --ids`
// and `frugal model forward` exchange them:
//   {"input_ids": [...], "token_type_ids": [...], "attention_mask": [...]}   ("ids" also accepted)
// token_type_ids and attention_mask are optional and must match input_ids in length.
#include <cstdint>
#include <string>
#include <vector>

namespace frugal {

struct TokenRecord {
  std::vector<std::int64_t> input_ids, token_type_ids, attention_mask;
  std::uint64_t line = 0;
};

// InputError naming FILE:LINE for malformed lines, missing ids, length mismatches and ids
// outside [0, vocab_size) when vocab_size > 0.
std::vector<TokenRecord> read_token_records(const std::string& path, std::int64_t vocab_size = 0);

}  // namespace frugal
