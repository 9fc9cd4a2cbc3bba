#include "nn/invariant_inference_torch.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/threads.h"

namespace frugal {
namespace {

// Sets libtorch and BLAS to one thread for its lifetime; restores the previous count.
class SerialMath {
 public:
  SerialMath() : previous_(at::get_num_threads()) { configure_threads(1); }
  ~SerialMath() { configure_threads(previous_); }
  SerialMath(const SerialMath&) = delete;
  SerialMath& operator=(const SerialMath&) = delete;

 private:
  int previous_;
};

}  // namespace

void run_invariant_batches(std::size_t count, int threads, torch::Device device, const std::function<void(std::size_t)>& run) {
  if (count == 0) return;
  std::size_t workers = 1;
  if (device.is_cpu()) workers = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, threads)));
  SerialMath serial;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    torch::NoGradGuard no_grad;  // grad mode is per thread
    for (;;) {
      const auto i = next.fetch_add(1);
      if (i >= count || failed.load()) return;
      try {
        run(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace frugal
