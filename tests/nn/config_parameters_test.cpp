// A config.json that parses must build a model of exactly the parameters its sizes give: every
// config input kept for the fuzz_config target (fuzz/seeds, fuzz/regressions) through each
// family's parser and, where it parses, through the registry's build of the base model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>

#include "core/error.h"
#include "nn/bert_config.h"
#include "nn/bert_family_torch.h"
#include "nn/cnn_family_torch.h"
#include "nn/gpt2_config.h"
#include "nn/gpt2_family_torch.h"
#include "nn/image_config.h"
#include "nn/model_family_torch.h"
#include "nn/resnetv2_family_torch.h"
#include "nn/rnn_config.h"
#include "nn/rnn_family_torch.h"

namespace frugal {
namespace {

namespace fs = std::filesystem;

struct FamilyCase {
  Architecture architecture;
  std::function<double(const std::string&)> parameters;  // throws InputError when the config does not parse
};

TEST(ConfigParameters, EveryParsedConfigBuildsTheParametersItsSizesGive) {
  const std::string name = "config.json";
  const std::vector<FamilyCase> families = {
      {kBertModel, [&](const std::string& t) { return BertConfig::parse(t, name).parameter_count(); }},
      {kGpt2Model, [&](const std::string& t) { return Gpt2Config::parse(t, name).parameter_count(); }},
      {kRnnForSequenceClassification, [&](const std::string& t) { return RnnConfig::parse(t, name).parameter_count(); }},
      {kCnnModel, [&](const std::string& t) { return CnnConfig::parse(t, name).parameter_count(false); }},
      {kResNetV2Model, [&](const std::string& t) { return ResNetV2Config::parse(t, name).parameter_count(false); }},
  };
  std::size_t built = 0;
  for (const char* kind : {"seeds", "regressions"}) {
    const fs::path dir = fs::path(FRUGAL_SOURCE_DIR) / "fuzz" / kind / "fuzz_config";
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (const auto& family : families) {
        std::optional<double> parameters;
        try {
          parameters = family.parameters(text);
        } catch (const InputError&) {
          continue;
        }
        if (*parameters > 4e6) continue;  // a test builds small models only
        auto json = nlohmann::json::parse(text);
        try {
          const auto model = family_of(family.architecture, name).build(family.architecture, json, name);
          double numel = 0;
          for (const auto& p : model->module()->parameters()) numel += static_cast<double>(p.numel());
          EXPECT_EQ(numel, *parameters) << family.architecture << " from " << entry.path();
          ++built;
        } catch (const std::exception& e) {
          ADD_FAILURE() << family.architecture << " parses " << entry.path() << " but does not build: " << e.what();
        }
      }
    }
  }
  EXPECT_GE(built, 5u) << "every family needs a seed config that builds";
}

}  // namespace
}  // namespace frugal
