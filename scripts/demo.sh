#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job: `frugal demo` on the mirror data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
export FRUGAL_MIRROR="${FRUGAL_MIRROR:-$(cd .. && pwd)/shared/data}"
build/frugal demo "$@"
