#pragma once
// One fuzz target is one function over the input bytes. Built with FRUGAL_FUZZ (clang,
// libFuzzer, ASan + UBSan) it is the binary's LLVMFuzzerTestOneInput; in the normal build
// (FRUGAL_FUZZ_REPLAY) it registers itself, and tests/fuzz/regressions_test.cpp replays the
// inputs under fuzz/seeds/TARGET/ and fuzz/regressions/TARGET/ through it, so CI checks them
// without a clang build.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "core/error.h"

namespace frugal::fuzz {

using Target = void (*)(const std::uint8_t* data, std::size_t size);

inline std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> all;
  return all;
}

struct Registration {
  Registration(const char* name, Target target) { targets()[name] = target; }
};

// A broken invariant: an abort under libFuzzer (which saves the input), an exception the replay
// test reports under GoogleTest.
[[noreturn]] inline void violated(const std::string& what) {
#ifdef FRUGAL_FUZZ_REPLAY
  throw std::logic_error(what);
#else
  std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
  std::abort();
#endif
}

inline void require(bool condition, const std::string& what) {
  if (!condition) violated(what);
}

// Bad input must be an error a user can act on: it names the input and a place in it (a line,
// a line:column or a JSON path), so the CLI prints one line and exits 2.
inline void expect_located(const InputError& e, const std::string& file) {
  const auto& where = e.where();
  if (where.file != file || (where.line == 0 && where.path.empty())) {
    violated(std::string("an InputError without a location: ") + e.what());
  }
}

// Binary formats (IDX, safetensors, encoded images) have no lines or JSON paths: their errors
// name the file and, in the message, the header field or byte offset at fault.
inline void expect_named(const InputError& e, const std::string& file) {
  if (e.where().file != file) violated(std::string("an InputError that does not name the file: ") + e.what());
}

// The bytes as a file, for the parsers whose entry point is a path (one per process: libFuzzer
// runs inputs one after another).
inline std::string input_file(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
  // In memory where the machine has a tmpfs there (most Linux systems do).
  static const std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  const std::string path = dir + "/frugal-fuzz-" + std::to_string(::getpid()) + suffix;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) violated("cannot write " + path);
  return path;
}

}  // namespace frugal::fuzz

#ifdef FRUGAL_FUZZ_REPLAY
#define FRUGAL_FUZZ_TARGET(name)                                                             \
  static void name##_input(const std::uint8_t* data, std::size_t size);                      \
  static const ::frugal::fuzz::Registration name##_registration(#name, &name##_input);       \
  static void name##_input(const std::uint8_t* data, std::size_t size)
#else
#define FRUGAL_FUZZ_TARGET(name)                                                             \
  static void name##_input(const std::uint8_t* data, std::size_t size);                      \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {        \
    name##_input(data, size);                                                                \
    return 0;                                                                                \
  }                                                                                          \
  static void name##_input(const std::uint8_t* data, std::size_t size)
#endif
