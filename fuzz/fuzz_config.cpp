// libFuzzer target for config.json: bytes through the config parser of every model family
// (BERT, GPT-2, the RNN students, the CNN, ResNet-v2). A config either parses into sizes whose
// parameter count is finite, positive and within what frugal can hold, or fails with an
// InputError naming the file (and the key where one is at fault). BERT and GPT-2 configs
// written back with to_json parse to the same sizes. That a parsed config builds a model of
// exactly that many parameters is checked with libtorch by tests/nn/config_parameters_test.cpp
// on the same inputs (fuzz/seeds/fuzz_config, fuzz/regressions/fuzz_config).
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "fuzz_target.h"
#include "nn/bert_config.h"
#include "nn/gpt2_config.h"
#include "nn/image_config.h"
#include "nn/rnn_config.h"

namespace {

const std::string kName = "config.json";

void expect_holdable(double parameters, const char* family) {
  frugal::fuzz::require(std::isfinite(parameters) && parameters > 0 && parameters <= 17179869184.0,
                        std::string(family) + ": a parsed config of " + std::to_string(parameters) + " parameters");
}

template <class Parse>
void parsed(const Parse& parse) {
  try {
    parse();
  } catch (const frugal::InputError& e) {
    // A config is one object: the file, and the key where one is at fault, locate the problem.
    frugal::fuzz::expect_named(e, kName);
  }
}

}  // namespace

FRUGAL_FUZZ_TARGET(fuzz_config) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  parsed([&] {
    const auto c = frugal::BertConfig::parse(text, kName);
    expect_holdable(c.parameter_count(), "bert");
    const auto again = frugal::BertConfig::parse(c.to_json(), kName);
    frugal::fuzz::require(again.parameter_count() == c.parameter_count() && again.hidden_act == c.hidden_act &&
                              again.num_labels == c.num_labels,
                          "bert: to_json does not read back");
  });
  parsed([&] {
    const auto c = frugal::Gpt2Config::parse(text, kName);
    expect_holdable(c.parameter_count(), "gpt2");
    const auto again = frugal::Gpt2Config::parse(c.to_json(), kName);
    frugal::fuzz::require(again.parameter_count() == c.parameter_count() && again.activation_function == c.activation_function,
                          "gpt2: to_json does not read back");
  });
  parsed([&] { expect_holdable(frugal::RnnConfig::parse(text, kName).parameter_count(), "rnn"); });
  parsed([&] {
    const auto c = frugal::CnnConfig::parse(text, kName);
    expect_holdable(c.parameter_count(true), "cnn");
    const auto [height, width] = c.feature_map(kName);
    frugal::fuzz::require(height > 0 && width > 0, "cnn: an empty feature map");
  });
  parsed([&] {
    const auto c = frugal::ResNetV2Config::parse(text, kName);
    expect_holdable(c.parameter_count(true), "resnetv2");
    frugal::fuzz::require(c.hidden_sizes.size() == c.depths.size() && !c.hidden_sizes.empty(), "resnetv2: stages without depths");
    for (const auto out : c.hidden_sizes) {
      frugal::fuzz::require(out % c.num_groups == 0 && c.bottleneck_width(out) > 0, "resnetv2: widths GroupNorm cannot split");
    }
  });
}
