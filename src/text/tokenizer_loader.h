#pragma once
// Loading tokenizers from the files users already have:
//   vocab.txt                        WordPiece with BERT settings (lowercasing detected from
//                                    the vocabulary: no cased entries -> uncased)
//   tokenizer.json                   HF tokenizers' file (WordPiece or BPE model, BertNormalizer,
//                                    Bert/ByteLevel pre-tokenizer, Template/Bert/Roberta/ByteLevel
//                                    post-processor, WordPiece/ByteLevel decoder, added tokens)
//   DIR with encoder.json+vocab.bpe  GPT-2
//   DIR with vocab.json+merges.txt   RoBERTa
//   DIR with tokenizer.json or vocab.txt
// Anything else, or a tokenizer.json component frugal does not implement, is an InputError
// naming the file and the component.
#include <string>

#include "text/tokenizer.h"

namespace frugal {

Tokenizer load_tokenizer(const std::string& path);
Tokenizer load_tokenizer_json(const std::string& path);
// The same from text in memory (name is used in error messages).
Tokenizer load_tokenizer_json_text(std::string_view json, const std::string& name);
Tokenizer load_wordpiece_vocab(const std::string& vocab_txt, int lowercase = -1);  // -1: detect
Tokenizer load_gpt2_files(const std::string& encoder_json, const std::string& vocab_bpe);
Tokenizer load_roberta_files(const std::string& vocab_json, const std::string& merges_txt);

}  // namespace frugal
