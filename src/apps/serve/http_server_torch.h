#pragma once
// `frugal serve`: cpp-httplib on a thread pool (one request per thread: parse, validate,
// tokenize), the dynamic batcher's inference workers behind it, TEI's limits and error codes,
// Prometheus metrics, a JSON access log, the web page at /, and a graceful SIGTERM.
#include <cstddef>
#include <string>

#include "apps/serve/inference_requests_torch.h"
#include "apps/serve/served_model_torch.h"

namespace frugal::serve {

struct ServeOptions {
  ServedModelOptions model;
  QaOptions qa;
  std::string host = "127.0.0.1";
  int port = 8080;                          // 0: any free port (printed, and written to port_file)
  std::string port_file;
  std::size_t max_batch_tokens = 16384;     // padded tokens per forward
  std::size_t max_batch_size = 0;           // rows per forward; 0: only the tokens limit (1: no batching)
  double max_wait_ms = 0;                   // how long a batch may wait to fill; 0: TEI's none
  std::size_t max_concurrent_requests = 512;
  std::size_t max_client_batch_size = 32;   // inputs per request
  std::size_t payload_limit = 2000000;      // bytes per body
  std::size_t max_input_tokens = 0;         // per input; 0: 8192 for QA, the model's length for classify
  std::size_t request_timeout_ms = 30000;   // waiting for inference
  int read_timeout_s = 5;                   // a client that sends nothing for this long is dropped
  int workers = 0;                          // inference workers (single-threaded each); 0: the cores
  std::size_t http_threads = 0;             // 0: max_concurrent_requests + 8, at most 1024
  bool log_requests = false;                // request bodies in the access log
  std::string access_log;                   // file; empty: stderr
};

// Serves until SIGTERM or SIGINT: then stops accepting, finishes in-flight requests and
// returns 0. InputError when the model cannot be loaded or the port cannot be bound.
int run_server(const ServeOptions& options);

}  // namespace frugal::serve
