#pragma once
// Batch plans that make inference batch-invariant. A row's floating-point result depends on the
// shapes it was computed in and on where it sits in them: BLAS blocks a product by its row
// count, and OpenBLAS's kernels round a row differently by its position in the block (measured
// on this project's machines: rows 6-11 of every 12 differ in the last bits from rows 0-5). So
// a record's bits would change with the records that shared its batch, the chunk or the shard.
// Here every row is padded to a length bucket that is a function of its own length, every batch
// has exactly batch_size slots, and a row's slot (its lane) is a function of the row alone, so
// each row is computed in identical shapes at an identical position whatever its neighbours.
// Empty slots repeat a real row; their results are discarded. With batch_size 1 every row is
// its own batch. See nn/invariant_inference_torch.h for the thread count.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace frugal {

constexpr std::size_t kEmptySlot = std::numeric_limits<std::size_t>::max();

struct FixedShapeBatch {
  std::size_t length = 0;          // every row is padded to this many tokens
  std::vector<std::size_t> slots;  // batch_size entries: a row index (into the caller's list) or kEmptySlot
};

// The padded length of a row of `length` tokens: 16, 32, 64, 128, then multiples of 128, never
// above cap (cap is itself a bucket); a row longer than cap keeps its own length.
std::size_t bucket_length(std::size_t length, std::size_t cap);

// The lane of a row with this key in batches of batch_size slots (a hash: rows spread evenly).
std::size_t lane_of(std::uint64_t key, std::size_t batch_size);

// Rows grouped by bucket (shortest bucket first); within a bucket, row i takes slot lanes[i]
// of the first batch where that slot is free (rows in index order). Every row appears exactly
// once. lanes empty: every lane 0 (then batch_size must be 1).
std::vector<FixedShapeBatch> plan_fixed_shape_batches(const std::vector<std::size_t>& lengths,
                                                      const std::vector<std::size_t>& lanes, std::size_t batch_size,
                                                      std::size_t cap);

// The row to put in each slot: empty slots repeat the batch's first real row.
std::vector<std::size_t> slot_rows(const FixedShapeBatch& batch);

}  // namespace frugal
