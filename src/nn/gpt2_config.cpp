#include "nn/gpt2_config.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/config_json.h"
#include "nn/activation.h"

namespace frugal {

Gpt2Config Gpt2Config::load(const std::string& path) { return parse(read_file(path), path); }

Gpt2Config Gpt2Config::parse(const std::string& text, const std::string& name) {
  const auto j = parse_config_json(text, name, "gpt2");
  Gpt2Config c;
  auto get = [&](const char* key, auto& field) { config_field(j, key, field, name); };

  get("vocab_size", c.vocab_size);
  get("n_positions", c.n_positions);
  get("n_embd", c.n_embd);
  get("n_layer", c.n_layer);
  get("n_head", c.n_head);
  get("n_inner", c.n_inner);
  get("activation_function", c.activation_function);
  get("resid_pdrop", c.resid_pdrop);
  get("embd_pdrop", c.embd_pdrop);
  get("attn_pdrop", c.attn_pdrop);
  get("layer_norm_epsilon", c.layer_norm_epsilon);
  get("initializer_range", c.initializer_range);
  get("bos_token_id", c.bos_token_id);
  get("eos_token_id", c.eos_token_id);
  get("type_vocab_size", c.type_vocab_size);
  if (c.n_embd <= 0 || c.n_head <= 0 || c.n_embd % c.n_head != 0) {
    throw InputError(InputLocation{name}, "n_embd must be a positive multiple of n_head");
  }
  if (c.vocab_size <= 0 || c.n_layer < 0 || c.n_positions <= 0 || c.n_inner < 0 || c.type_vocab_size < 0) {
    throw InputError(InputLocation{name}, "sizes must be positive");
  }
  check_probability(c.resid_pdrop, "resid_pdrop", name);
  check_probability(c.embd_pdrop, "embd_pdrop", name);
  check_probability(c.attn_pdrop, "attn_pdrop", name);
  check_parameter_count(c.parameter_count(), name);
  if (!(c.layer_norm_epsilon > 0)) throw InputError(InputLocation{name, 0, 0, "layer_norm_epsilon"}, "must be positive");
  if (!is_supported_activation(c.activation_function)) {
    throw InputError(InputLocation{name, 0, 0, "activation_function"},
                     "unsupported activation '" + c.activation_function + "'");
  }
  return c;
}

double Gpt2Config::parameter_count() const {
  const double e = static_cast<double>(n_embd), i = static_cast<double>(inner());
  const double embeddings =
      e * (static_cast<double>(vocab_size) + static_cast<double>(n_positions) + static_cast<double>(type_vocab_size));
  // c_attn, the attention's c_proj, the MLP's c_fc and c_proj (weights and biases), ln_1, ln_2.
  const double layer = (3 * e * e + 3 * e) + (e * e + e) + (e * i + i) + (i * e + e) + 4 * e;
  return embeddings + static_cast<double>(n_layer) * layer + 2 * e;  // + ln_f
}

std::string Gpt2Config::to_json() const {
  nlohmann::ordered_json j = {{"model_type", "gpt2"},
                              {"vocab_size", vocab_size},
                              {"n_positions", n_positions},
                              {"n_embd", n_embd},
                              {"n_layer", n_layer},
                              {"n_head", n_head},
                              {"n_inner", n_inner > 0 ? nlohmann::ordered_json(n_inner) : nlohmann::ordered_json()},
                              {"activation_function", activation_function},
                              {"resid_pdrop", resid_pdrop},
                              {"embd_pdrop", embd_pdrop},
                              {"attn_pdrop", attn_pdrop},
                              {"layer_norm_epsilon", layer_norm_epsilon},
                              {"initializer_range", initializer_range},
                              {"bos_token_id", bos_token_id},
                              {"eos_token_id", eos_token_id},
                              {"type_vocab_size", type_vocab_size}};
  return j.dump(2) + "\n";
}

}  // namespace frugal
