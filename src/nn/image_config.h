#pragma once
// Configs of frugal's image model families, parsed from config.json with errors naming the
// file and key. Every image model states its input there (num_channels, image_size,
// image_mean, image_std): the commands fit any image to it (data/image_transform.h).
//   frugal_cnn       a LeNet-style CNN: conv (+ batch norm) + ReLU + 2x2 max-pool per stage, one
//                    fully connected ReLU layer (the features)
//   frugal_resnetv2  a ResNet-v2 as BiT builds it: pre-activation blocks with GroupNorm and
//                    weight-standardised convolutions, a small stem for small images
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/image_transform.h"

namespace frugal {

// The input fields; InputError for a bad one. Defaults: 1 channel, 28 x 28, mean = std = 0.5.
ImageInputSpec parse_image_input(const nlohmann::json& j, const std::string& name);
void write_image_input(const ImageInputSpec& spec, nlohmann::json& j);
// num_labels (or the size of id2label), at least 2; `fallback` when neither is given.
std::int64_t parse_num_labels(const nlohmann::json& j, const std::string& name, std::int64_t fallback = 10);

struct CnnConfig {
  ImageInputSpec input;
  std::vector<std::int64_t> conv_channels = {32, 64};
  std::int64_t kernel_size = 5;
  std::string padding = "valid";  // valid (LeNet) | same
  bool conv_batch_norm = false;
  std::int64_t hidden_size = 256;  // the feature size
  double dropout = 0.0;            // before the classifier
  std::int64_t num_labels = 10;

  // Side of the last feature map (height, width); InputError when a stage would make it empty.
  std::pair<std::int64_t, std::int64_t> feature_map(const std::string& name) const;
  static CnnConfig parse(const std::string& json, const std::string& name);
  double parameter_count(bool with_classifier) const;
};

struct ResNetV2Config {
  ImageInputSpec input;
  std::int64_t embedding_size = 32;                  // stem output channels
  std::int64_t stem_kernel_size = 3, stem_stride = 1;
  bool stem_pool = false;                            // BiT's 3x3 stride-2 max-pool after the stem
  std::vector<std::int64_t> hidden_sizes = {64, 128, 256};  // output channels per stage
  std::vector<std::int64_t> depths = {1, 1, 1};             // blocks per stage
  std::string layer_type = "preactivation";          // preactivation (two 3x3) | bottleneck (1x1, 3x3, 1x1)
  double bottleneck_ratio = 0.25;                    // bottleneck width = out channels x this
  std::int64_t num_groups = 8;                       // GroupNorm groups
  bool weight_standardization = true;
  double dropout = 0.0;
  std::int64_t num_labels = 10;

  std::int64_t bottleneck_width(std::int64_t out) const;
  std::int64_t feature_size() const { return hidden_sizes.back(); }
  static ResNetV2Config parse(const std::string& json, const std::string& name);
  double parameter_count(bool with_classifier) const;
};

// A list of positive integers at j[key] (when present) into `field`.
void config_sizes(const nlohmann::json& j, const char* key, std::vector<std::int64_t>& field, const std::string& name);

}  // namespace frugal
