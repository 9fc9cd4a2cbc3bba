#include "nn/safetensors.h"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace frugal {
namespace {

constexpr std::uint64_t kMaxHeader = 100'000'000;  // the reference implementation's limit

struct DtypeInfo {
  SafeDtype dtype;
  const char* name;
  std::size_t size;
};
constexpr DtypeInfo kDtypes[] = {{SafeDtype::F64, "F64", 8}, {SafeDtype::F32, "F32", 4}, {SafeDtype::F16, "F16", 2},
                                 {SafeDtype::BF16, "BF16", 2}, {SafeDtype::I64, "I64", 8}, {SafeDtype::I32, "I32", 4},
                                 {SafeDtype::I16, "I16", 2}, {SafeDtype::I8, "I8", 1}, {SafeDtype::U8, "U8", 1},
                                 {SafeDtype::BOOL, "BOOL", 1}};

}  // namespace

const char* to_string(SafeDtype dtype) {
  for (const auto& d : kDtypes) {
    if (d.dtype == dtype) return d.name;
  }
  return "?";
}

std::size_t dtype_size(SafeDtype dtype) {
  for (const auto& d : kDtypes) {
    if (d.dtype == dtype) return d.size;
  }
  return 0;
}

SafetensorsFile SafetensorsFile::parse(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& what) -> void { throw InputError(InputLocation{name}, what); };
  if (bytes.size() < 8) fail("not a safetensors file: shorter than its 8-byte header length");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | static_cast<std::uint8_t>(bytes[static_cast<std::size_t>(i)]);
  if (header_size > kMaxHeader) fail("header length " + std::to_string(header_size) + " exceeds the 100 MB limit");
  if (header_size > bytes.size() - 8) fail("header length " + std::to_string(header_size) + " runs past the end of the file");
  const std::string_view header = bytes.substr(8, header_size);
  const std::size_t data_start = 8 + header_size;
  const std::size_t data_size = bytes.size() - data_start;

  nlohmann::json root;
  try {
    root = nlohmann::json::parse(header.begin(), header.end());
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("malformed JSON header: ") + e.what());
  }
  if (!root.is_object()) fail("the header is not a JSON object");

  SafetensorsFile file;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it.key();
    const auto& value = it.value();
    if (key == "__metadata__") {
      if (!value.is_object()) fail("__metadata__ is not an object");
      for (auto m = value.begin(); m != value.end(); ++m) {
        if (!m.value().is_string()) fail("__metadata__." + m.key() + " is not a string");
        file.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + key + "': ";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets")) {
      fail(where + "needs dtype, shape and data_offsets");
    }
    SafeTensorView view;
    view.name = key;
    const auto& dtype = value["dtype"];
    if (!dtype.is_string()) fail(where + "dtype is not a string");
    const auto d = std::find_if(std::begin(kDtypes), std::end(kDtypes), [&](const DtypeInfo& i) { return dtype.get<std::string>() == i.name; });
    if (d == std::end(kDtypes)) fail(where + "unsupported dtype " + dtype.dump());
    view.dtype = d->dtype;
    std::uint64_t numel = 1;
    if (!value["shape"].is_array()) fail(where + "shape is not an array");
    for (const auto& s : value["shape"]) {
      if (!s.is_number_unsigned()) fail(where + "shape entries must be non-negative integers");
      const auto dim = s.get<std::uint64_t>();
      if (dim != 0 && numel > UINT64_MAX / dim) fail(where + "shape overflows");
      numel *= dim;
      view.shape.push_back(static_cast<std::int64_t>(dim));
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
      fail(where + "data_offsets must be [begin, end]");
    }
    const auto begin = offsets[0].get<std::uint64_t>(), end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > data_size) fail(where + "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                             "] outside the " + std::to_string(data_size) + "-byte data");
    if (numel > UINT64_MAX / d->size || end - begin != numel * d->size) {
      fail(where + std::to_string(end - begin) + " bytes for " + std::to_string(numel) + " " + d->name + " elements");
    }
    view.data = reinterpret_cast<const std::uint8_t*>(bytes.data()) + data_start + begin;
    view.bytes = end - begin;
    file.tensors_.push_back(std::move(view));
  }
  // File order (the JSON object's key order is not kept by the parser), and the tensors must
  // tile the data exactly: no gap, no overlap.
  std::sort(file.tensors_.begin(), file.tensors_.end(),
            [](const SafeTensorView& a, const SafeTensorView& b) { return a.data != b.data ? a.data < b.data : a.bytes < b.bytes; });
  const std::uint8_t* expected = reinterpret_cast<const std::uint8_t*>(bytes.data()) + data_start;
  for (const auto& t : file.tensors_) {
    if (t.data != expected) fail("tensor '" + t.name + "' does not start where the previous one ends (gap or overlap)");
    expected += t.bytes;
  }
  if (expected != reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size()) fail("bytes after the last tensor");
  return file;
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw InputError(InputLocation{path}, std::string("cannot read file: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(InputLocation{path}, "not a regular file");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  ::close(fd);
  if (size > 0 && map == MAP_FAILED) throw InputError(InputLocation{path}, std::string("cannot map file: ") + std::strerror(errno));
  std::shared_ptr<void> mapping(map, [size](void* p) {
    if (p) ::munmap(p, size);
  });
  SafetensorsFile file = parse(std::string_view(static_cast<const char*>(map), size), path);
  file.mapping_ = std::move(mapping);
  return file;
}

const SafeTensorView* SafetensorsFile::find(const std::string& name) const {
  for (const auto& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void write_safetensors(const std::string& path, std::vector<SafeTensorData> tensors,
                       const std::map<std::string, std::string>& metadata) {
  // Reference order: larger element size first (alignment), then by name.
  std::sort(tensors.begin(), tensors.end(), [](const SafeTensorData& a, const SafeTensorData& b) {
    const auto sa = dtype_size(a.dtype), sb = dtype_size(b.dtype);
    return sa != sb ? sa > sb : a.name < b.name;
  });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    std::uint64_t numel = 1;
    for (auto d : t.shape) {
      if (d < 0) throw std::invalid_argument("safetensors: negative dimension in " + t.name);
      numel *= static_cast<std::uint64_t>(d);
    }
    if (numel * dtype_size(t.dtype) != t.bytes.size()) {
      throw std::invalid_argument("safetensors: " + t.name + " has " + std::to_string(t.bytes.size()) + " bytes for its shape");
    }
    header[t.name] = {{"dtype", to_string(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string json = header.dump();
  while ((8 + json.size()) % 8 != 0) json.push_back(' ');
  std::string prefix(8, '\0');
  for (int i = 0; i < 8; ++i) prefix[static_cast<std::size_t>(i)] = static_cast<char>((json.size() >> (8 * i)) & 0xFF);
  AtomicFile out(path);
  out.write(prefix);
  out.write(json);
  for (const auto& t : tensors) out.write(t.bytes);
  out.commit();
}

}  // namespace frugal
