#include "nn/image_config.h"

#include <fmt/format.h>

#include "core/error.h"
#include "nn/config_json.h"

namespace frugal {
namespace {

std::vector<double> channel_values(const nlohmann::json& j, const char* key, int channels, const std::string& name) {
  const auto& v = j[key];
  std::vector<double> out;
  if (v.is_number()) out.assign(static_cast<std::size_t>(channels), v.get<double>());
  else if (v.is_array() && v.size() == static_cast<std::size_t>(channels)) {
    for (const auto& x : v) {
      if (!x.is_number()) throw InputError(InputLocation{name, 0, 0, key}, "values must be numbers");
      out.push_back(x.get<double>());
    }
  } else {
    throw InputError(InputLocation{name, 0, 0, key}, fmt::format("one number or one per channel ({}) is needed", channels));
  }
  return out;
}

void check_positive(const std::string& name, std::initializer_list<std::pair<const char*, std::int64_t>> values,
                    std::int64_t most = 1 << 16) {
  for (const auto& [key, v] : values) {
    if (v <= 0 || v > most) throw InputError(InputLocation{name, 0, 0, key}, fmt::format("must be in [1, {}], not {}", most, v));
  }
}

// The config's JSON object, refused when its model_type is another family's.
nlohmann::json image_config_json(const std::string& text, const std::string& model_type, const std::string& name) {
  return parse_config_json(text, name, model_type);
}

}  // namespace

void config_sizes(const nlohmann::json& j, const char* key, std::vector<std::int64_t>& field, const std::string& name) {
  if (!j.contains(key) || j[key].is_null()) return;
  if (!j[key].is_array() || j[key].empty()) throw InputError(InputLocation{name, 0, 0, key}, "a non-empty list of sizes is needed");
  field.clear();
  for (const auto& v : j[key]) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > 1 << 16) {
      throw InputError(InputLocation{name, 0, 0, key}, "sizes must be integers in [1, 65536], not " + v.dump());
    }
    field.push_back(v.get<std::int64_t>());
  }
  if (field.size() > 64) throw InputError(InputLocation{name, 0, 0, key}, "at most 64 entries");
}

ImageInputSpec parse_image_input(const nlohmann::json& j, const std::string& name) {
  ImageInputSpec s;
  config_field(j, "num_channels", s.channels, name);
  if (s.channels != 1 && s.channels != 3) throw InputError(InputLocation{name, 0, 0, "num_channels"}, "must be 1 (grey) or 3 (RGB)");
  if (j.contains("image_size") && !j["image_size"].is_null()) {
    const auto& v = j["image_size"];
    std::int64_t h = 0, w = 0;
    if (v.is_number_integer()) h = w = v.get<std::int64_t>();
    else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) h = v[0].get<std::int64_t>(), w = v[1].get<std::int64_t>();
    else throw InputError(InputLocation{name, 0, 0, "image_size"}, "an integer or [height, width] is needed");
    if (h <= 0 || w <= 0 || h > 4096 || w > 4096) throw InputError(InputLocation{name, 0, 0, "image_size"}, "sides must be in [1, 4096]");
    s.height = static_cast<int>(h), s.width = static_cast<int>(w);
  }
  s.mean.assign(static_cast<std::size_t>(s.channels), 0.5);
  s.std.assign(static_cast<std::size_t>(s.channels), 0.5);
  if (j.contains("image_mean") && !j["image_mean"].is_null()) s.mean = channel_values(j, "image_mean", s.channels, name);
  if (j.contains("image_std") && !j["image_std"].is_null()) s.std = channel_values(j, "image_std", s.channels, name);
  for (const auto v : s.std) {
    if (!(v > 0) || v > 1e6) throw InputError(InputLocation{name, 0, 0, "image_std"}, "must be positive");
  }
  for (const auto v : s.mean) {
    if (!(v > -1e6 && v < 1e6)) throw InputError(InputLocation{name, 0, 0, "image_mean"}, "must be a finite number");
  }
  return s;
}

void write_image_input(const ImageInputSpec& spec, nlohmann::json& j) {
  j["num_channels"] = spec.channels;
  j["image_size"] = spec.height == spec.width ? nlohmann::json(spec.height) : nlohmann::json::array({spec.height, spec.width});
  j["image_mean"] = spec.mean;
  j["image_std"] = spec.std;
}

std::int64_t parse_num_labels(const nlohmann::json& j, const std::string& name, std::int64_t fallback) {
  std::int64_t n = fallback;
  if (j.contains("id2label") && j["id2label"].is_object()) n = static_cast<std::int64_t>(j["id2label"].size());
  config_field(j, "num_labels", n, name);
  if (n < 2 || n > 1 << 20) throw InputError(InputLocation{name, 0, 0, "num_labels"}, "a classifier needs 2 to 2^20 labels");
  return n;
}

std::pair<std::int64_t, std::int64_t> CnnConfig::feature_map(const std::string& name) const {
  std::int64_t h = input.height, w = input.width;
  for (std::size_t s = 0; s < conv_channels.size(); ++s) {
    if (padding == "valid") h -= kernel_size - 1, w -= kernel_size - 1;
    h /= 2, w /= 2;
    if (h <= 0 || w <= 0) {
      throw InputError(InputLocation{name, 0, 0, "conv_channels"},
                       fmt::format("stage {} leaves no pixels of the {}x{} input (kernel {}, padding {}, 2x2 pooling per stage)", s + 1,
                                   input.height, input.width, kernel_size, padding));
    }
  }
  return {h, w};
}

CnnConfig CnnConfig::parse(const std::string& text, const std::string& name) {
  const auto j = image_config_json(text, "frugal_cnn", name);
  CnnConfig c;
  c.input = parse_image_input(j, name);
  config_sizes(j, "conv_channels", c.conv_channels, name);
  config_field(j, "kernel_size", c.kernel_size, name);
  config_field(j, "padding", c.padding, name);
  config_field(j, "conv_batch_norm", c.conv_batch_norm, name);
  config_field(j, "hidden_size", c.hidden_size, name);
  config_field(j, "dropout", c.dropout, name);
  c.num_labels = parse_num_labels(j, name);
  if (c.padding != "valid" && c.padding != "same") throw InputError(InputLocation{name, 0, 0, "padding"}, "must be valid or same");
  check_positive(name, {{"kernel_size", c.kernel_size}}, 31);
  if (c.kernel_size % 2 == 0) throw InputError(InputLocation{name, 0, 0, "kernel_size"}, "must be odd");
  check_positive(name, {{"hidden_size", c.hidden_size}});
  check_probability(c.dropout, "dropout", name);
  c.feature_map(name);
  check_parameter_count(c.parameter_count(true), name);
  return c;
}

double CnnConfig::parameter_count(bool with_classifier) const {
  double n = 0, in = input.channels;
  const double k2 = static_cast<double>(kernel_size * kernel_size);
  for (const auto out : conv_channels) {
    // A convolution followed by batch norm has no bias (the norm's shift takes its place).
    n += static_cast<double>(out) * (in * k2 + (conv_batch_norm ? 2.0 : 1.0));
    in = static_cast<double>(out);
  }
  std::int64_t h = input.height, w = input.width;
  for (std::size_t s = 0; s < conv_channels.size(); ++s) {
    if (padding == "valid") h -= kernel_size - 1, w -= kernel_size - 1;
    h /= 2, w /= 2;
  }
  n += (in * static_cast<double>(std::max<std::int64_t>(h, 0) * std::max<std::int64_t>(w, 0)) + 1) * static_cast<double>(hidden_size);
  if (with_classifier) n += static_cast<double>(hidden_size + 1) * static_cast<double>(num_labels);
  return n;
}

std::int64_t ResNetV2Config::bottleneck_width(std::int64_t out) const {
  return std::max<std::int64_t>(num_groups, (static_cast<std::int64_t>(static_cast<double>(out) * bottleneck_ratio) / num_groups) * num_groups);
}

ResNetV2Config ResNetV2Config::parse(const std::string& text, const std::string& name) {
  const auto j = image_config_json(text, "frugal_resnetv2", name);
  ResNetV2Config c;
  c.input = parse_image_input(j, name);
  config_field(j, "embedding_size", c.embedding_size, name);
  config_field(j, "stem_kernel_size", c.stem_kernel_size, name);
  config_field(j, "stem_stride", c.stem_stride, name);
  config_field(j, "stem_pool", c.stem_pool, name);
  config_sizes(j, "hidden_sizes", c.hidden_sizes, name);
  config_sizes(j, "depths", c.depths, name);
  config_field(j, "layer_type", c.layer_type, name);
  config_field(j, "bottleneck_ratio", c.bottleneck_ratio, name);
  config_field(j, "num_groups", c.num_groups, name);
  config_field(j, "weight_standardization", c.weight_standardization, name);
  config_field(j, "dropout", c.dropout, name);
  c.num_labels = parse_num_labels(j, name);
  if (c.hidden_sizes.size() != c.depths.size()) {
    throw InputError(InputLocation{name, 0, 0, "depths"}, fmt::format("{} depths for {} hidden_sizes", c.depths.size(), c.hidden_sizes.size()));
  }
  if (c.layer_type != "preactivation" && c.layer_type != "bottleneck") {
    throw InputError(InputLocation{name, 0, 0, "layer_type"}, "must be preactivation or bottleneck");
  }
  check_positive(name, {{"embedding_size", c.embedding_size}, {"num_groups", c.num_groups}});
  check_positive(name, {{"stem_kernel_size", c.stem_kernel_size}, {"stem_stride", c.stem_stride}}, 15);
  if (!(c.bottleneck_ratio > 0 && c.bottleneck_ratio <= 1)) throw InputError(InputLocation{name, 0, 0, "bottleneck_ratio"}, "must be in (0, 1]");
  check_probability(c.dropout, "dropout", name);
  const auto divisible = [&](const char* key, std::int64_t channels) {
    if (channels % c.num_groups != 0) {
      throw InputError(InputLocation{name, 0, 0, key}, fmt::format("{} channels do not split into num_groups {}", channels, c.num_groups));
    }
  };
  divisible("embedding_size", c.embedding_size);
  for (const auto h : c.hidden_sizes) divisible("hidden_sizes", h);
  std::int64_t side = std::min(c.input.height, c.input.width);
  side = (side + 2 * (c.stem_kernel_size / 2) - c.stem_kernel_size) / c.stem_stride + 1;
  if (c.stem_pool) side = (side + 2 - 3) / 2 + 1;
  for (std::size_t s = 1; s < c.hidden_sizes.size(); ++s) side = (side + 2 - 3) / 2 + 1;
  if (side <= 0) throw InputError(InputLocation{name, 0, 0, "image_size"}, "the stem and stages leave no pixels");
  check_parameter_count(c.parameter_count(true), name);
  return c;
}

double ResNetV2Config::parameter_count(bool with_classifier) const {
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  const double ws = 0;  // weight standardisation has no parameters
  double n = d(embedding_size) * d(input.channels) * d(stem_kernel_size * stem_kernel_size) + ws;  // stem conv, no bias
  double in = d(embedding_size);
  for (std::size_t s = 0; s < hidden_sizes.size(); ++s) {
    const double out = d(hidden_sizes[s]);
    for (std::int64_t b = 0; b < depths[s]; ++b) {
      const bool first = b == 0;
      const bool project = first && (in != out || s > 0);
      if (project) n += in * out;  // 1x1 shortcut conv
      if (layer_type == "preactivation") {
        n += 2 * in + in * out * 9 + 2 * out + out * out * 9;  // norm1, conv1, norm2, conv2
      } else {
        const double w = d(bottleneck_width(hidden_sizes[s]));
        n += 2 * in + in * w + 2 * w + w * w * 9 + 2 * w + w * out;  // norm1, conv1, norm2, conv2, norm3, conv3
      }
      in = out;
    }
  }
  n += 2 * in;  // the final norm
  if (with_classifier) n += (in + 1) * d(num_labels);
  return n;
}

}  // namespace frugal
