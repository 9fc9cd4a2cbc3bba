#include "nn/fixed_shape_batches.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace frugal {

std::size_t bucket_length(std::size_t length, std::size_t cap) {
  if (length > cap) return length;
  std::size_t bucket = 16;
  while (bucket < length && bucket < 128) bucket *= 2;
  if (bucket < length) bucket = (length + 127) / 128 * 128;
  return std::min(bucket, cap);
}

std::size_t lane_of(std::uint64_t key, std::size_t batch_size) {
  std::uint64_t z = key + 0x9e3779b97f4a7c15ULL;  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<std::size_t>(z % batch_size);
}

std::vector<FixedShapeBatch> plan_fixed_shape_batches(const std::vector<std::size_t>& lengths,
                                                      const std::vector<std::size_t>& lanes, std::size_t batch_size,
                                                      std::size_t cap) {
  if (batch_size == 0) throw std::invalid_argument("plan_fixed_shape_batches: batch_size must be positive");
  if (!lanes.empty() && lanes.size() != lengths.size()) throw std::invalid_argument("plan_fixed_shape_batches: one lane per row");
  if (lanes.empty() && batch_size != 1) throw std::invalid_argument("plan_fixed_shape_batches: lanes needed with batch_size > 1");
  std::map<std::size_t, std::vector<std::size_t>> by_bucket;
  for (std::size_t i = 0; i < lengths.size(); ++i) by_bucket[bucket_length(lengths[i], cap)].push_back(i);
  std::vector<FixedShapeBatch> batches;
  for (const auto& [length, rows] : by_bucket) {
    const auto first = batches.size();
    std::vector<std::size_t> filled(batch_size, 0);  // per lane: batches of this bucket using it
    for (const auto i : rows) {
      const auto lane = lanes.empty() ? 0 : lanes[i];
      if (lane >= batch_size) throw std::invalid_argument("plan_fixed_shape_batches: lane outside the batch");
      const auto b = first + filled[lane]++;
      while (b >= batches.size()) batches.push_back({length, std::vector<std::size_t>(batch_size, kEmptySlot)});
      batches[b].slots[lane] = i;
    }
  }
  return batches;
}

std::vector<std::size_t> slot_rows(const FixedShapeBatch& batch) {
  const auto real = std::find_if(batch.slots.begin(), batch.slots.end(), [](std::size_t s) { return s != kEmptySlot; });
  if (real == batch.slots.end()) throw std::invalid_argument("slot_rows: a batch without rows");
  auto rows = batch.slots;
  for (auto& r : rows) {
    if (r == kEmptySlot) r = *real;
  }
  return rows;
}

}  // namespace frugal
