#!/usr/bin/env bash
# Installs every system dependency of frugal with apt-get. Idempotent: packages already
# present are skipped, so a second run costs a few seconds.
# Usage: sudo scripts/setup.sh   (or as root)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libtorch-dev
  # Both OpenBLAS builds are installed; scripts/select-blas.sh picks the one libtorch uses
  # (measured in docs/benchmarks.md: the OpenMP build follows torch's thread count).
  libopenblas-dev libopenblas0-openmp libopenblas0-pthread
  libgloo-dev
  libcli11-dev nlohmann-json3-dev libsimdjson-dev libutf8proc-dev libpcre2-dev libstemmer-dev
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  unicode-data clang libclang-rt-14-dev wordnet-base
  # Text corpora for MLM/LM pretraining (frugal data build-corpus) and the PyTorch peer
  dict-gcide fortunes python3-torch python3-numpy
  # classify eval is checked against scikit-learn's metrics
  python3-sklearn
  # images: OpenCV decodes PNG/JPEG and augments; torchvision is the BYOL speed peer (bench only)
  libopencv-dev python3-torchvision
  python3 bc
  # bench/qagen_memory.sh measures peak memory with GNU time; the fault tests inject kills with strace
  time strace
  # frugal plot draws with gnuplot (SVG and cairo PNG)
  gnuplot-nox
  # frugal serve: cpp-httplib; its load tests use wrk and its web page is tested in headless Chromium
  libcpp-httplib-dev wrk chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi

# Node.js and npm run the reference tokenizer (HF tokenizers, npm) in tests and benchmarks
# only. The machine image ships them; install Debian's when absent.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

"$(dirname "$0")/select-blas.sh"
