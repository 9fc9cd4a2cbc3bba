#pragma once
// HF GPT2Config (config.json), the fields frugal's GPT-2 uses, with HF's defaults, plus one
// frugal field: type_vocab_size > 0 gives the model its own token-type (segment) embedding
// table (Puri et al.'s question generator: text / answer / question types). With 0, token
// types are embedded with wte, as HF's GPT2Model does.
#include <cstdint>
#include <string>

namespace frugal {

struct Gpt2Config {
  std::int64_t vocab_size = 50257;
  std::int64_t n_positions = 1024;
  std::int64_t n_embd = 768;
  std::int64_t n_layer = 12;
  std::int64_t n_head = 12;
  std::int64_t n_inner = 0;  // 0: 4 * n_embd (HF's null)
  std::string activation_function = "gelu_new";
  double resid_pdrop = 0.1;
  double embd_pdrop = 0.1;
  double attn_pdrop = 0.1;
  double layer_norm_epsilon = 1e-5;
  double initializer_range = 0.02;
  std::int64_t bos_token_id = 50256;
  std::int64_t eos_token_id = 50256;
  std::int64_t type_vocab_size = 0;

  std::int64_t inner() const { return n_inner > 0 ? n_inner : 4 * n_embd; }

  static Gpt2Config load(const std::string& path);
  static Gpt2Config parse(const std::string& json, const std::string& name);
  std::string to_json() const;  // HF layout, "model_type": "gpt2"
  // Parameters of the base model (GPT2Model) these sizes give.
  double parameter_count() const;
};

}  // namespace frugal
