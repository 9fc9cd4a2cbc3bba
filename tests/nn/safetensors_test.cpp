#include "nn/safetensors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "nn/safetensors_torch.h"
#include "test_support.h"

namespace frugal {
namespace {

std::string file_bytes(const std::string& header_json, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((header_json.size() >> (8 * i)) & 0xFF);
  return out + header_json + data;
}

std::string error_of(const std::string& bytes) {
  try {
    SafetensorsFile::parse(bytes, "m.safetensors");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Safetensors, TorchRoundTripKeepsNamesDtypesValuesAndMetadata) {
  torch::manual_seed(0);
  const std::vector<std::pair<std::string, torch::Tensor>> tensors = {
      {"bert.embeddings.word_embeddings.weight", torch::randn({7, 4})},
      {"bert.encoder.layer.0.attention.self.query.bias", torch::randn({4}).to(torch::kFloat16)},
      {"lm_head.bias", torch::randn({3}).to(torch::kBFloat16)},
      {"position_ids", torch::arange(5, torch::kInt64).unsqueeze(0)},
      {"mask", torch::tensor({true, false, true})},
      {"scalar", torch::tensor(2.5)},
      {"empty", torch::zeros({0, 3})},
  };
  const auto path = test::scratch_dir("st") + "/model.safetensors";
  save_safetensors(path, tensors, {{"format", "pt"}});
  const auto file = SafetensorsFile::open(path);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  EXPECT_EQ(file.tensors().size(), tensors.size());
  // Reference order: 8-byte dtypes, then 4, 2, 1; names ascending within a size.
  EXPECT_EQ(file.tensors().front().name, "position_ids");
  const auto loaded = load_safetensors(path);
  for (const auto& [name, original] : tensors) {
    const auto it = std::find_if(loaded.begin(), loaded.end(), [&](const auto& p) { return p.first == name; });
    ASSERT_NE(it, loaded.end()) << name;
    EXPECT_EQ(it->second.scalar_type(), original.scalar_type()) << name;
    EXPECT_EQ(it->second.sizes(), original.sizes()) << name;
    EXPECT_TRUE(torch::equal(it->second, original)) << name;
  }
  // The header is 8-byte aligned, as the reference writer pads it.
  const std::string bytes = read_file(path);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<std::uint8_t>(bytes[static_cast<std::size_t>(i)]);
  EXPECT_EQ((8 + n) % 8, 0u);
}

TEST(Safetensors, ReadsAHandWrittenFile) {
  // One F32 [2] tensor holding 1.0 and -2.0, little-endian.
  const std::string data("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
  const auto bytes = file_bytes(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data);
  const auto f = SafetensorsFile::parse(bytes, "m");
  ASSERT_EQ(f.tensors().size(), 1u);
  float values[2];
  std::memcpy(values, f.find("x")->data, 8);
  EXPECT_EQ(values[0], 1.0f);
  EXPECT_EQ(values[1], -2.0f);
}

TEST(Safetensors, MalformedFilesAreRejectedWithTheReason) {
  EXPECT_NE(error_of("abc").find("shorter than its 8-byte header length"), std::string::npos);
  EXPECT_NE(error_of(std::string("\xff\xff\xff\xff\x00\x00\x00\x00", 8)).find("exceeds the 100 MB limit"), std::string::npos);
  EXPECT_NE(error_of(file_bytes("{}", "").substr(0, 9)).find("runs past the end"), std::string::npos);
  EXPECT_NE(error_of(file_bytes("[1]", "")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(file_bytes("{x", "")).find("malformed JSON header"), std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}})", std::string(8, '\0')))
                .find("outside the 8-byte data"),
            std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0')))
                .find("8 bytes for 3 F32 elements"),
            std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"x":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", std::string(1, '\0')))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}})",
                                std::string(3, '\0')))
                .find("gap or overlap"),
            std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", std::string(2, '\0')))
                .find("bytes after the last tensor"),
            std::string::npos);
  EXPECT_NE(error_of(file_bytes(R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", std::string(1, '\0')))
                .find("non-negative"),
            std::string::npos);
  EXPECT_THROW(SafetensorsFile::open("/nonexistent.safetensors"), InputError);
}

}  // namespace frugal
