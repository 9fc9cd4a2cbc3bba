#!/usr/bin/env bash
# Builds frugal against libtorch 2.x on the CPU: Debian 13 (trixie) ships libtorch-dev 2.6, so a
# debootstrap chroot under build-trixie/ holds it with frugal's other dependencies, and frugal
# (the CLI, the test binary) is compiled there from this checkout. API drift between libtorch
# 1.13 (Debian 12, the main build) and 2.x shows up here as a compile error; the
# whole C++ suite (frugal_tests) then runs in the chroot. Needs root (debootstrap, chroot, mount).
# The first run downloads ~1 GB of packages (~10 minutes); later runs reuse the chroot.
# Usage: scripts/check-libtorch2.sh [--prepare-only | TARGETS...]   (default: frugal frugal_tests, then tests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base="$root/build-trixie"
chroot_dir="$base/root"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frugal frugal_tests)
packages=(build-essential cmake ninja-build ccache pkg-config git ca-certificates libtorch-dev libopenblas-dev
  libcli11-dev nlohmann-json3-dev libsimdjson-dev libutf8proc-dev libpcre2-dev libstemmer-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev libgtest-dev libgmock-dev libopencv-dev libgloo-dev libcpp-httplib-dev python3
  wordnet-base dict-gcide fortunes gnuplot-nox)  # what the C++ suite reads or runs besides the mirror

command -v debootstrap > /dev/null || { apt-get install -y -qq --no-install-recommends debootstrap > /dev/null; }
mkdir -p "$base"
if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
  echo "check-libtorch2: debootstrap trixie into $chroot_dir"
  debootstrap --variant=minbase trixie "$chroot_dir" "$mirror" > "$base/debootstrap.log" 2>&1 \
    || { tail -20 "$base/debootstrap.log"; exit 1; }
fi
mounted=()
cleanup() { for m in "${mounted[@]}"; do umount "$m" 2> /dev/null || true; done; }
trap cleanup EXIT
for fs in proc sys dev; do
  mountpoint -q "$chroot_dir/$fs" || { mount --bind "/$fs" "$chroot_dir/$fs"; mounted+=("$chroot_dir/$fs"); }
done
mkdir -p "$chroot_dir/src" "$chroot_dir/shared"
mountpoint -q "$chroot_dir/src" || { mount --bind "$root" "$chroot_dir/src"; mounted+=("$chroot_dir/src"); }
# The data mirror, for the tests that read it (read-only).
if [ -d "$root/../shared" ] && ! mountpoint -q "$chroot_dir/shared"; then
  mount --bind -o ro "$root/../shared" "$chroot_dir/shared"; mounted+=("$chroot_dir/shared")
fi
in_chroot() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CCACHE_DIR=/ccache FRUGAL_MIRROR=/shared/data "$@"; }
missing=()
for p in "${packages[@]}"; do
  in_chroot dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-libtorch2: installing ${missing[*]} in the chroot"
  in_chroot apt-get update -qq
  in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$base/apt.log" 2>&1 \
    || { tail -20 "$base/apt.log"; exit 1; }
fi
echo "check-libtorch2: $(in_chroot dpkg-query -W -f='${Package} ${Version}' libtorch-dev)"
[ "${targets[0]}" = "--prepare-only" ] && exit 0
# The build folder lives in the chroot (not in the bind-mounted checkout): its own CMake cache.
in_chroot cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DFRUGAL_BUILD_BENCH=OFF > "$base/configure.log" 2>&1 \
  || { tail -30 "$base/configure.log"; exit 1; }
if ! in_chroot cmake --build /build --target "${targets[@]}" -j "$(nproc)" > "$base/build.log" 2>&1; then
  grep -m 30 -B 2 -A 6 "error" "$base/build.log"
  echo "check-libtorch2: the build against libtorch 2.x FAILED (log: $base/build.log)"
  exit 1
fi
echo "check-libtorch2: frugal builds against libtorch 2.x"
if [[ " ${targets[*]} " == *" frugal_tests "* ]]; then
  # The whole C++ suite: the torch-facing tests, and the rest against Debian 13's newer
  # simdjson, nlohmann-json, GCC (their error wording and headers differ from Debian 12's).
  status=0
  in_chroot OMP_WAIT_POLICY=passive /build/tests/frugal_tests --gtest_brief=1 > "$base/tests.log" 2>&1 || status=$?
  grep -E '^\[ +(PASSED|FAILED|SKIPPED) +\]|tests from .* ran' "$base/tests.log"
  [ "$status" -eq 0 ] || { echo "check-libtorch2: C++ tests FAILED against libtorch 2.x (log: $base/tests.log)"; exit 1; }
fi
# TorchScript files saved by this machine's PyTorch (1.13) through frugal built on libtorch 2.x:
# fp32 and int8 against PyTorch's own probabilities (tests/apps/torchscript_fixtures.py).
if [[ " ${targets[*]} " == *" frugal "* ]] && /usr/bin/python3 -c "import torch" 2> /dev/null; then
  fx="$root/tests/apps/torchscript_fixtures.py"
  rm -rf "$chroot_dir/tmp/fx" && mkdir -p "$chroot_dir/tmp/fx"
  /usr/bin/python3 "$fx" make "$chroot_dir/tmp/fx" 2>&1 | grep -v -i warn
  status=0
  for run in "resnet18 images fp32 resnet18_ref" "lstm ids fp32 lstm_ref" "mlp features fp32 mlp_ref" "mlp features int8 mlp_int8_ref"; do
    set -- $run
    in_chroot /build/frugal --no-progress infer --model "/tmp/fx/$1.pt" --input "/tmp/fx/$2.safetensors" --precision "$3" \
      --out "/tmp/fx/$1_$3.safetensors" > /dev/null || status=1
    /usr/bin/python3 "$fx" compare "$chroot_dir/tmp/fx/$1_$3.safetensors" "$chroot_dir/tmp/fx/$4.safetensors" probs 1e-5 || status=1
  done
  exit $status
fi
