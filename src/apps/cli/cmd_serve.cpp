// frugal serve: a QA or classification model behind HTTP (src/apps/serve/), with TEI's routes,
// limits and error codes, dynamic batching that never changes an answer, and a web page.
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "apps/cli/commands.h"
#include "apps/cli/model_files.h"
#include "apps/cli/qa_window_options.h"
#include "core/error.h"
#ifndef FRUGAL_NO_SERVER
#include "apps/serve/http_server_torch.h"
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace frugal::cli {
namespace {

struct ServeArgs {
  std::string model, task = "qa", tokenizer, host = "127.0.0.1", port_file, access_log;
  std::string device = "cpu", precision = "fp32";
  int port = 8080, workers = 0, read_timeout_s = 5;
  std::size_t max_batch_tokens = 16384, max_concurrent_requests = 512, max_client_batch_size = 32;
  std::string max_batch_size = "auto";
  std::size_t payload_limit = 2000000, max_input_tokens = 0, request_timeout_ms = 30000, text_max_length = 0;
  double max_wait_ms = 0;
  bool log_requests = false, version2 = false;
  WindowArgs window;
};

// --max-batch-size: a number, or auto: 1 on CPU, where batch-invariant batching costs more than
// it saves (docs/benchmarks.md, "Serving"), the token budget alone on other devices.
std::size_t max_batch_size_of(const ServeArgs& a) {
  if (a.max_batch_size == "auto") return a.device.rfind("cpu", 0) == 0 ? 1 : 0;
  std::size_t value = 0;
  std::size_t used = 0;
  try {
    value = std::stoul(a.max_batch_size, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != a.max_batch_size.size() || a.max_batch_size[0] == '-') {
    throw InputError("--max-batch-size: '" + a.max_batch_size + "' is not auto or a number of rows");
  }
  return value;
}

#ifndef FRUGAL_NO_SERVER
int run_serve(const ServeArgs& a, bool max_length_given) {
#ifdef __GLIBC__
  // glibc gives each request thread its own malloc arena, and tensors of many sizes keep them
  // all large: with two arenas a 5-minute soak peaked at 383 MB instead of 525 MB, at the same
  // throughput (docs/benchmarks.md). MALLOC_ARENA_MAX, when set, still decides.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
#endif
  serve::ServeOptions o;
  o.model.dir = a.model;
  o.model.task = serve::parse_serve_task(a.task);
  o.model.tokenizer = tokenizer_for_model(a.model, a.tokenizer);
  o.model.device = a.device;
  o.model.precision = a.precision;
  // QA: --max-length as `qa predict` (384, or the model's positions when not given and fewer).
  o.model.max_length = o.model.task == serve::ServeTask::kQa ? (max_length_given ? a.window.max_length : 0) : a.text_max_length;
  o.qa.windows = a.window.features();
  o.qa.decode = a.window.decode(a.version2);
  o.host = a.host;
  o.port = a.port;
  o.port_file = a.port_file;
  o.max_batch_tokens = a.max_batch_tokens;
  o.max_batch_size = max_batch_size_of(a);
  o.max_wait_ms = a.max_wait_ms;
  o.max_concurrent_requests = a.max_concurrent_requests;
  o.max_client_batch_size = a.max_client_batch_size;
  o.payload_limit = a.payload_limit;
  o.max_input_tokens = a.max_input_tokens;
  o.request_timeout_ms = a.request_timeout_ms;
  o.read_timeout_s = a.read_timeout_s;
  o.workers = a.workers;
  o.log_requests = a.log_requests;
  o.access_log = a.access_log;
  return serve::run_server(o);
}
#endif

}  // namespace

void register_serve_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  auto* cmd = app.add_subcommand("serve", "Serve a QA or classification model over HTTP (TEI-style routes, dynamic batching, a web page)");
  auto a = std::make_shared<ServeArgs>();
  cmd->add_option("--model", a->model, "A frugal model directory: BertForQuestionAnswering (qa) or a classifier (classify)")->required();
  cmd->add_option("--task", a->task, "qa (POST /v1/qa) or classify (POST /v1/classify)")->capture_default_str();
  cmd->add_option("--tokenizer", a->tokenizer, "Tokenizer (default: the model directory's)");
  cmd->add_option("--host", a->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", a->port, "Port (0: any free port, printed and written to --port-file)")->capture_default_str();
  cmd->add_option("--port-file", a->port_file, "Write the bound port to this file once listening");
  cmd->add_option("--max-batch-tokens", a->max_batch_tokens, "Padded tokens per forward (TEI)")->capture_default_str();
  cmd->add_option("--max-batch-size", a->max_batch_size,
                  "Rows per forward: a number (0: only the token budget; 1: no batching) or auto (1 on CPU, where it is faster: docs/benchmarks.md; 0 elsewhere)")
      ->capture_default_str();
  cmd->add_option("--max-wait-ms", a->max_wait_ms, "How long a batch may wait to fill (0: none, as TEI)")->capture_default_str();
  cmd->add_option("--max-concurrent-requests", a->max_concurrent_requests, "More at once are refused with 429")->capture_default_str();
  cmd->add_option("--max-client-batch-size", a->max_client_batch_size, "Inputs per request; more: 422")->capture_default_str();
  cmd->add_option("--payload-limit", a->payload_limit, "Bytes per request body; more: 413")->capture_default_str();
  cmd->add_option("--max-input-tokens", a->max_input_tokens, "Tokens per input; more: 422 (0: 8192 for QA, the model's length for classify)")
      ->capture_default_str();
  cmd->add_option("--request-timeout-ms", a->request_timeout_ms, "Longest wait for inference; then 503 and the slot is freed")->capture_default_str();
  cmd->add_option("--read-timeout", a->read_timeout_s, "Seconds a client may stay silent mid-request before it is dropped")->capture_default_str();
  cmd->add_option("--workers", a->workers, "Inference workers, one thread each (0: the cores)")->capture_default_str();
  cmd->add_option("--device", a->device, "cpu, cuda, cuda:N")->capture_default_str();
  cmd->add_option("--precision,--dtype", a->precision, "fp32, bf16, fp16 (norms, softmax and masks stay fp32) or int8 (CPU)")->capture_default_str();
  cmd->add_flag("--log-requests", a->log_requests, "Put request bodies in the access log (off: no request text is logged)");
  cmd->add_option("--access-log", a->access_log, "Append the JSON access log here (default: stderr)");
  cmd->add_flag("--version2", a->version2, "QA: allow no answer (SQuAD v2.0), as qa predict --version2");
  cmd->add_option("--text-max-length", a->text_max_length, "classify: tokens per text (default: 128 or the model's positions)");
  add_window_options(cmd, a->window);
  set_example(cmd, "  frugal serve --model runs/qa/model --task qa --port 8080\n"
                   "  curl -s localhost:8080/v1/qa -H 'Content-Type: application/json' -d '{\"question\": \"...\", \"context\": \"...\"}'");
  table.add(cmd, [a, cmd] {
#ifdef FRUGAL_NO_SERVER
    (void)cmd;
    throw InputError("this frugal was built without the server (-DFRUGAL_WITH_SERVER=OFF)");
#else
    return run_serve(*a, cmd->get_option("--max-length")->count() > 0);
#endif
  });
}

}  // namespace frugal::cli
