#!/usr/bin/env bash
# Run here (Debian 12, before a device session): downloads the Debian packages frugal compiles
# and links against besides libtorch — headers, CMake configs and shared libraries — and unpacks
# them into build-device/deps (no installation), which a device run carries (64 MiB at most).
# The device machine has its own libtorch (Python's torch), CUDA, a compiler and cmake, but no
# apt and no network. libcurl and OpenCV's codecs are left out (their dependency chains are
# hundreds of MB): the device build has -DFRUGAL_WITH_CURL=OFF -DFRUGAL_WITH_IMGCODECS=OFF.
# --demo also copies the gpu demo profile's data from the mirror into build-device/mirror
# (scripts/device/demo.sh); deps and mirror together must stay within the 64 MiB carry limit.
# Usage: scripts/device/prepare.sh [--demo]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
deps="$root/build-device/deps"
if [ "${1:-}" = "--demo" ]; then
  mirror=${FRUGAL_MIRROR:-$root/../shared/data}
  rm -rf "$root/build-device/mirror"
  for f in squad/dev-v1.1.json qa/squadshifts/new_wiki_v1.0.json; do
    mkdir -p "$root/build-device/mirror/$(dirname "$f")"
    cp "$mirror/$f" "$root/build-device/mirror/$f"
  done
fi
packages=(
  libcli11-dev nlohmann-json3-dev
  libsimdjson-dev libsimdjson14
  libutf8proc-dev libutf8proc2
  libstemmer-dev libstemmer0d
  libspdlog-dev libspdlog1.10 libfmt-dev libfmt9
  libssl-dev libssl3 zlib1g-dev
  libopencv-dev libopencv-core-dev libopencv-imgproc-dev libopencv-core406 libopencv-imgproc406 libtbb12 libtbbmalloc2
)
rm -rf "$deps" && mkdir -p "$deps" "$root/build-device/debs"
cd "$root/build-device/debs"
apt-get download "${packages[@]}" > /dev/null
for deb in *.deb; do dpkg -x "$deb" "$deps"; done
rm -rf "$deps/usr/share/doc" "$deps/usr/share/man" "$deps/usr/share/lintian" "$deps/usr/bin"
find "$deps" -name "*.a" -delete  # frugal links the shared libraries
# OpenCV's CMake config names every module of Debian's build and refuses to load when one of
# their libraries is absent; only core and imgproc travel, so its existence check goes.
find "$deps" -name "OpenCVModules*.cmake" -exec sed -i 's/message(FATAL_ERROR "The imported target/message(VERBOSE "The imported target/' {} +
# The libraries' link names (libfoo.so -> libfoo.so.N) are absolute in some -dev packages.
find "$deps" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ln -sfn "$deps$target" "$link" ;; esac
done
size=$(du -sm "$deps" | cut -f1)
echo "prepare: ${#packages[@]} packages unpacked into build-device/deps (${size} MiB; the device carry limit is 64)"
[ "$size" -le 60 ] || { echo "prepare: too large to carry" >&2; exit 1; }
if [ -d "$root/build-device/mirror" ]; then
  total=$(du -smc "$deps" "$root/build-device/mirror" | tail -1 | cut -f1)
  echo "prepare: with build-device/mirror ${total} MiB"
  [ "$total" -le 63 ] || { echo "prepare: deps and mirror too large to carry together" >&2; exit 1; }
fi
