#pragma once
// Tokenizer files beside a model's weights: copied in when a model directory is written, found
// again when one is read, so a model directory is self-contained.
#include <string>

namespace frugal::cli {

// Copies the tokenizer (vocab.txt / tokenizer.json file, or a GPT-2/RoBERTa directory) into dir.
void copy_tokenizer(const std::string& tokenizer, const std::string& dir);
// `given` when not empty, else the tokenizer inside model_dir; InputError when there is none.
std::string tokenizer_for_model(const std::string& model_dir, const std::string& given);

}  // namespace frugal::cli
