#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (GoogleTest through ctest,
# plus the comparison with the official SQuAD evaluation). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-peers.sh
scripts/build.sh
export FRUGAL_MIRROR="${FRUGAL_MIRROR:-$(cd .. && pwd)/shared/data}"
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
