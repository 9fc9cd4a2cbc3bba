#include "apps/serve/http_server_torch.h"

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "apps/serve/dynamic_batcher.h"
#include "apps/serve/request_json.h"
#include "apps/serve/server_metrics.h"
#include "apps/serve/web_page.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/threads.h"
#include "core/version.h"
#include "nn/precision_torch.h"

namespace frugal::serve {
namespace {

using Clock = std::chrono::steady_clock;

// What the access log needs from the thread that handled the request.
struct RequestTrace {
  Clock::time_point start;
  RequestStats stats;
  std::string route;
  std::string error;
};
thread_local RequestTrace trace;

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Replacement of invalid UTF-8 can only concern echoed text; outputs are valid.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& type, const std::string& message) {
  trace.error = message;
  send_json(res, status, error_body(message, type));
}

const char* reason_type(int status) {
  switch (status) {
    case 400: return "validation";
    case 404: return "not_found";
    case 413: return "payload_limit";
    case 422: return "validation";
    case 429: return "overloaded";
    case 503: return "unhealthy";
    default: return status < 500 ? "validation" : "backend";
  }
}

class AccessLog {
 public:
  explicit AccessLog(const std::string& path) {
    if (!path.empty()) {
      file_.open(path, std::ios::app);
      if (!file_) throw InputError(InputLocation{path}, "cannot open the access log for writing");
    }
  }
  void write(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& out = file_.is_open() ? static_cast<std::ostream&>(file_) : std::cerr;
    out << line << '\n';
    out.flush();
  }

 private:
  std::mutex mutex_;
  std::ofstream file_;
};

// Blocks SIGTERM/SIGINT in every thread started from here on; the main thread waits for them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int run_server(const ServeOptions& options) {
  const auto stop_signals = block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);  // a client that hung up must not kill the server
  configure_threads(1);  // one thread per forward: a row's bits must not follow the thread count
  ServerMetrics metrics(static_cast<double>(options.max_batch_tokens));
  AccessLog access_log(options.access_log);
  std::atomic<bool> ready{false};
  std::unique_ptr<ServedModel> model;
  std::unique_ptr<DynamicBatcher> batcher;
  RequestServices services;
  nlohmann::json info;
  const auto task = options.model.task;
  const std::string task_route = task == ServeTask::kQa ? "/v1/qa" : "/v1/classify";

  httplib::Server server;
  const auto threads = options.http_threads > 0 ? options.http_threads : std::min<std::size_t>(options.max_concurrent_requests + 8, 1024);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.payload_limit);
  server.set_read_timeout(options.read_timeout_s, 0);
  server.set_write_timeout(options.read_timeout_s, 0);
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(2);  // an idle keep-alive connection holds a thread (and SIGTERM's exit) this long
  server.set_tcp_nodelay(true);

  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    trace = RequestTrace{};
    trace.start = Clock::now();
    trace.route = req.path;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (413 over the payload limit, 400, 404) get TEI's JSON body.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto type = reason_type(res.status);
    // cpp-httplib caps form-encoded bodies (curl -d's default type) at 8 KB whatever the limit.
    const bool form = req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
    std::string message = res.status == 404   ? "no such route"
                          : res.status == 413 ? (form ? "form-encoded bodies are limited to 8192 bytes: send Content-Type: application/json"
                                                      : "the body is larger than the payload limit (--payload-limit)")
                          : res.status == 400 ? "malformed HTTP request"
                                              : fmt::format("HTTP {}", res.status);
    send_json(res, res.status, error_body(message, type));
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string message = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    send_error(res, 500, "backend", message);
  });
  server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    // A request cpp-httplib could not parse never reached the pre-routing handler.
    const auto seconds = trace.start == Clock::time_point{} ? 0.0 : std::chrono::duration<double>(Clock::now() - trace.start).count();
    const bool known = req.path == "/" || req.path == "/health" || req.path == "/info" || req.path == "/metrics" ||
                       req.path == "/v1/qa" || req.path == "/v1/classify" || req.path == "/v1/tokenize";
    const auto route = known ? req.path : std::string("other");
    metrics.count_request(route, res.status);
    if (req.path.rfind("/v1/", 0) == 0) metrics.request_duration.observe(seconds);
    nlohmann::json line = {{"time", utc_now()},  {"remote", req.remote_addr}, {"method", req.method},
                           {"path", route},      {"status", res.status},      {"ms", std::round(seconds * 1e5) / 100},
                           {"bytes_in", req.body.size()}, {"bytes_out", res.body.size()}};
    if (trace.stats.inputs > 0) {
      line["inputs"] = trace.stats.inputs;
      line["rows"] = trace.stats.rows;
      line["tokens"] = trace.stats.tokens;
    }
    if (!trace.error.empty()) line["error"] = trace.error;
    if (options.log_requests) line["body"] = req.body;
    access_log.write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    trace = RequestTrace{};
  });

  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(web_page_html(), "text/html; charset=utf-8"); });
  server.Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    if (!ready) return send_error(res, 503, "unhealthy", "the model is not loaded yet");
    send_json(res, 200, {{"status", "ok"}});
  });
  server.Get("/info", [&](const httplib::Request&, httplib::Response& res) {
    if (!ready) return send_error(res, 503, "unhealthy", "the model is not loaded yet");
    send_json(res, 200, info);
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.prometheus(), "text/plain; version=0.0.4");
  });

  // One handler for the inference routes: readiness, the concurrency limit, JSON, errors.
  const auto inference_route = [&](const std::function<nlohmann::json(const nlohmann::json&, RequestStats&)>& handle) {
    return [&, handle](const httplib::Request& req, httplib::Response& res) {
      if (!ready) return send_error(res, 503, "unhealthy", "the model is not loaded yet");
      const auto in_flight = metrics.in_flight.fetch_add(1) + 1;
      struct Release {
        ServerMetrics& m;
        ~Release() { --m.in_flight; }
      } release{metrics};
      if (static_cast<std::size_t>(in_flight) > options.max_concurrent_requests) {
        return send_error(res, 429, "overloaded", fmt::format("more than {} concurrent requests (--max-concurrent-requests)",
                                                              options.max_concurrent_requests));
      }
      try {
        send_json(res, 200, handle(parse_body(req.body), trace.stats));
      } catch (const RequestError& e) {
        send_error(res, e.status(), e.type(), e.what());
      } catch (const std::exception& e) {
        send_error(res, 500, "backend", e.what());
      }
    };
  };
  const auto max_inputs = options.max_client_batch_size;
  if (task == ServeTask::kQa) {
    server.Post("/v1/qa", inference_route([&](const nlohmann::json& body, RequestStats& stats) {
      return answer_questions(parse_qa_request(body, max_inputs), services, stats);
    }));
  } else {
    server.Post("/v1/classify", inference_route([&](const nlohmann::json& body, RequestStats& stats) {
      return classify_texts(parse_text_request(body, max_inputs), services, stats);
    }));
  }
  server.Post("/v1/tokenize", inference_route([&](const nlohmann::json& body, RequestStats& stats) {
    return tokenize_texts(parse_text_request(body, max_inputs), services, stats);
  }));

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) throw InputError(fmt::format("--host {}: cannot bind a port", options.host));
  } else if (!server.bind_to_port(options.host, port)) {
    throw InputError(fmt::format("--host {} --port {}: cannot bind (in use, or not an address of this machine)", options.host, port));
  }
  if (!options.port_file.empty()) write_file_atomic(options.port_file, std::to_string(port) + "\n");
  spdlog::info("serve: listening on http://{}:{} (loading {})", options.host, port, options.model.dir);
  std::thread listener([&] { server.listen_after_bind(); });
  const auto stop_listening = [&] {
    server.stop();
    if (listener.joinable()) listener.join();
  };

  // Tests only: hold the model's loading until this file exists, so "503 until loaded" is checked
  // without racing the load.
  if (const char* gate = std::getenv("FRUGAL_SERVE_TEST_LOAD_GATE")) {
    while (!std::filesystem::exists(gate)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  try {
    model = std::make_unique<ServedModel>(options.model);
  } catch (...) {
    stop_listening();
    throw;
  }
  auto batch_size = model->batch_rows(options.max_batch_size == 0 ? std::size_t{1} << 20 : options.max_batch_size);
  std::string why;
  if (batch_size > 1 && !model->batch_invariant(&why)) {
    spdlog::warn("serve: this model's forward is not batch-invariant on {} at {} ({}): one row per forward", options.model.device,
                 options.model.precision, why);
    batch_size = 1;
  }
  BatcherOptions batching;
  batching.max_batch_tokens = options.max_batch_tokens;
  batching.max_batch_size = batch_size;
  batching.max_wait = std::chrono::microseconds(static_cast<std::int64_t>(options.max_wait_ms * 1000));
  batching.workers = options.workers > 0 ? options.workers : available_cores();
  batcher = std::make_unique<DynamicBatcher>(batching, [&](const std::vector<const BatchRow*>& rows, std::size_t length) {
    return model->forward(rows, length);
  }, &metrics);
  services.model = model.get();
  services.batcher = batcher.get();
  services.metrics = &metrics;
  services.qa = options.qa;
  services.limits.timeout = std::chrono::milliseconds(options.request_timeout_ms);
  services.limits.max_input_tokens = options.max_input_tokens > 0 ? options.max_input_tokens : (task == ServeTask::kQa ? 8192 : model->max_length());
  info = {{"model_id", options.model.dir},
          {"model_type", model->model().architecture()},
          {"task", serve_task_name(task)},
          {"route", task_route},
          {"precision", options.model.precision},
          {"quantized_layers", model->quantized_layers()},
          {"device", options.model.device},
          {"max_length", model->max_length()},
          {"max_batch_tokens", options.max_batch_tokens},
          {"max_batch_size", batch_size > 1 && options.max_batch_size == 0 ? 0 : batch_size},  // 0: the token budget alone
          {"max_wait_ms", options.max_wait_ms},
          {"max_concurrent_requests", options.max_concurrent_requests},
          {"max_client_batch_size", options.max_client_batch_size},
          {"max_input_tokens", services.limits.max_input_tokens},
          {"payload_limit", options.payload_limit},
          {"request_timeout_ms", options.request_timeout_ms},
          {"workers", batching.workers},
          {"version", kVersion},
          {"git", kGitDescribe}};
  if (task == ServeTask::kQa) {
    info["stride"] = options.qa.windows.stride;
    info["max_answer_length"] = options.qa.decode.max_answer_length;
    info["allow_no_answer"] = options.qa.decode.allow_no_answer;
  } else {
    info["labels"] = model->labels();
  }
  ready = true;
  spdlog::info("serve: ready: {} {} at {} on {}, {} workers, batches of up to {} tokens{}", serve_task_name(task),
               model->model().architecture(), options.model.precision, options.model.device, batching.workers,
               options.max_batch_tokens, batch_size == 1 ? " (one row each)" : "");

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("serve: {}: finishing in-flight requests", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  stop_listening();  // stops accepting; the pool finishes the requests it holds
  batcher->stop();
  spdlog::info("serve: stopped after {} requests", metrics.request_duration.count());
  return 0;
}

}  // namespace frugal::serve
