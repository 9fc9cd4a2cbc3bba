#pragma once
// Seeded random numbers whose results are the same on every platform and standard library
// (std:: distributions are implementation-defined, so none are used here).
// Rng is xoshiro256** seeded through SplitMix64. for_item() gives every (seed, item, round)
// its own independent stream, so a data-side result never depends on thread count or on
// the order in which items are processed.
#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace frugal {

// SplitMix64 finalizer: a bijective 64-bit mix.
std::uint64_t mix64(std::uint64_t x);
// A seed for a sub-stream, from a base seed and any number of keys.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t key);
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t key1, std::uint64_t key2);

// The cheapest deterministic stream for one item: a counter through the SplitMix64 mix. For
// hot loops that need one or two numbers per item (e.g. sampling one word per sentence),
// where seeding a full Rng would cost more than the work.
class CounterRng {
 public:
  CounterRng(std::uint64_t seed, std::uint64_t item, std::uint64_t round) : state_(derive_seed(seed, item, round)) {}
  std::uint64_t next_u64() { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, n) by multiply-shift; the bias is below n / 2^64, negligible for word counts.
  std::uint64_t uniform(std::uint64_t n) {
    __extension__ typedef unsigned __int128 u128;
    return static_cast<std::uint64_t>((static_cast<u128>(next_u64()) * n) >> 64);
  }

 private:
  std::uint64_t state_;
};

class Rng {
 public:
  using result_type = std::uint64_t;
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed = 0);
  static Rng for_item(std::uint64_t seed, std::uint64_t item, std::uint64_t round = 0);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return next_u64(); }

  std::uint64_t next_u64();
  // Uniform integer in [0, n), unbiased (Lemire's method). n must be > 0.
  std::uint64_t uniform(std::uint64_t n);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();
  bool bernoulli(double p) { return uniform01() < p; }

  // Fisher-Yates, from the back, with uniform().
  template <class RandomIt>
  void shuffle(RandomIt first, RandomIt last) {
    for (auto n = static_cast<std::uint64_t>(last - first); n > 1; --n) {
      const auto j = uniform(n);
      using std::swap;
      swap(first[n - 1], first[j]);
    }
  }

  // k distinct values of [0, n) in random order (partial Fisher-Yates). k <= n.
  std::vector<std::uint32_t> sample_without_replacement(std::uint32_t n, std::uint32_t k);

  // For checkpoints: the generator continues exactly where it stopped.
  State state() const { return s_; }
  void set_state(const State& s) { s_ = s; }

 private:
  State s_{};
};

}  // namespace frugal
