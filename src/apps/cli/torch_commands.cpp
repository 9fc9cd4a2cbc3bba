// The torch-free `frugal` binary's stand-ins for the commands that need libtorch. Each is listed
// in --help with its summary, accepts any arguments, and hands the whole command line to the
// full CLI in libfrugal-torch.so, which the binary opens only then: `frugal tokenize` or
// `frugal --version` never pay libtorch's start-up (docs/benchmarks.md).
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "apps/cli/commands.h"

namespace frugal::cli {
namespace {

int g_argc = 0;
char** g_argv = nullptr;
std::set<const CLI::App*> g_torch_commands;

void add_torch_command(CLI::App& parent, CommandTable& table, const std::string& name, const std::string& summary) {
  auto* cmd = parent.add_subcommand(name, summary);
  cmd->set_help_flag();  // --help too goes to the full CLI
  g_torch_commands.insert(cmd);
  cmd->footer("Run 'frugal " + (parent.get_parent() ? parent.get_name() + " " : std::string()) + name + " --help' for its options.");
  table.add(cmd, [] { return hand_command_line_to_torch(); });
}

std::string self_directory() {
  char buffer[PATH_MAX];
  const auto n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return ".";
  return std::filesystem::path(std::string(buffer, static_cast<std::size_t>(n))).parent_path().string();
}

}  // namespace

void remember_command_line(int argc, char** argv) {
  g_argc = argc;
  g_argv = argv;
}

int hand_command_line_to_torch() { return run_with_torch(g_argc, g_argv); }

bool names_torch_command(const CLI::App& app, int argc, char** argv) {
  const CLI::App* node = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token.size() > 1 && token[0] == '-') {
      // An option of the command chosen so far (or of the root): skip its value.
      const std::string name = token.substr(0, token.find('='));
      const CLI::Option* option = node->get_option_no_throw(name);
      if (option == nullptr && node != &app) option = app.get_option_no_throw(name);
      if (option != nullptr && token.find('=') == std::string::npos && option->get_expected_min() > 0) ++i;
      continue;
    }
    const CLI::App* sub = nullptr;
    for (const auto* candidate : node->get_subcommands([&](const CLI::App* a) { return a->get_name() == token; })) sub = candidate;
    if (sub == nullptr) return false;  // a positional argument of a torch-free command
    if (g_torch_commands.count(sub)) return true;
    node = sub;
  }
  return false;
}

// The OpenBLAS kernel set to name for this CPU, or nullptr to let OpenBLAS detect it; the same
// rule as scripts/openblas-coretype.sh (for programs that link libtorch directly).
const char* openblas_core_for_this_cpu() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_is("intel") && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    return "SkylakeX";
  }
#endif
  return nullptr;
}

int run_with_torch(int argc, char** argv) {
  // libgomp reads its wait policy once, when it loads (with libtorch, below). Its default spin
  // (300,000 iterations before sleeping) makes two jobs on the same cores spin against each
  // other: each kept 8% of its speed. A bounded spin of 1,000 keeps 53% with a job alone as
  // fast as before, within noise; PASSIVE keeps 77% but costs ~20% alone (docs/benchmarks.md,
  // "Two jobs on two cores"). The user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr && std::getenv("GOMP_SPINCOUNT") == nullptr) ::setenv("GOMP_SPINCOUNT", "1000", 0);
  // OpenBLAS reads OPENBLAS_CORETYPE once, when it loads (with libtorch, below). Debian 12's
  // 0.3.21 does not know Intel's newer Xeons and runs its generic Prescott kernels there: a
  // 1024^3 fp32 GEMM took 46 ms instead of 9.8 ms with its SkylakeX kernels (docs/benchmarks.md,
  // "OpenBLAS on AVX-512 Xeons"). On a CPU it knows, it picks those kernels itself.
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    if (const char* core = openblas_core_for_this_cpu()) ::setenv("OPENBLAS_CORETYPE", core, 0);
  }
  std::vector<std::string> candidates;
  if (const char* explicit_path = std::getenv("FRUGAL_TORCH_LIBRARY")) candidates.emplace_back(explicit_path);
  const auto dir = self_directory();
  candidates.push_back(dir + "/libfrugal-torch.so");
  candidates.push_back(dir + "/../lib/frugal/libfrugal-torch.so");
  std::string errors;
  for (const auto& path : candidates) {
    if (!std::filesystem::exists(path)) continue;
    void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      errors = ::dlerror();
      break;
    }
    using Main = int (*)(int, char**);
    auto entry = reinterpret_cast<Main>(::dlsym(library, "frugal_cli_main"));
    if (!entry) {
      errors = path + " has no frugal_cli_main";
      break;
    }
    return entry(argc, argv);
  }
  std::cerr << "error: this command needs libtorch, and frugal cannot load its torch library ("
            << (errors.empty() ? candidates[1] + " is missing" : errors)
            << "); reinstall frugal with libfrugal-torch.so beside the binary, or set FRUGAL_TORCH_LIBRARY\n";
  return 1;
}

void register_model_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "model", "Create, inspect and run models (BERT, GPT-2, RNN): init, info, forward");
}
void register_pretrain_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "pretrain", "Pretrain a model from scratch or continue: mlm (BERT) | lm (GPT-2)");
}
void register_qagen_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "qagen", "Synthetic QA data: train the generators, run answers -> questions -> filter");
}
void register_classify_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "classify", "Text classification (BERT or RNN students) on GLUE-style TSV: train, predict, eval");
}
void register_distill_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "distill", "Distil a fine-tuned classifier into a student: label (teacher logits), train");
}
void register_image_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "image", "Image classification (CNN, ResNet-v2): train (staged from a backbone), eval, predict");
}
void register_byol_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "byol", "Self-supervised image pretraining (BYOL): pretrain");
}
void register_infer_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "infer", "Run a TorchScript file or a frugal model at fp32/fp16/bf16/int8: logits and probabilities");
}
void register_serve_command(CLI::App& app, CommandTable& table, const GlobalOptions&) {
  add_torch_command(app, table, "serve", "Serve a QA or classification model over HTTP (TEI-style routes, dynamic batching, a web page)");
}
void register_bench_model_commands(CLI::App& bench, CommandTable& table, const GlobalOptions&) {
  add_torch_command(bench, table, "precision", "The precision table of a model: time, throughput, log loss and agreement with fp32");
}
void register_lm_eval_commands(CLI::App& eval, CommandTable& table) {
  add_torch_command(eval, table, "mlm", "Masked-token perplexity of a BERT model on text");
  add_torch_command(eval, table, "lm", "Next-token perplexity of a GPT-2 model on text");
}
void register_qa_model_commands(CLI::App& qa, CommandTable& table, const GlobalOptions&) {
  add_torch_command(qa, table, "train", "Fine-tune a BERT span model (from an MLM checkpoint or from scratch)");
  add_torch_command(qa, table, "predict", "Answer the questions of a SQuAD JSON file: predictions (and n-best, na-probs)");
}

}  // namespace frugal::cli
