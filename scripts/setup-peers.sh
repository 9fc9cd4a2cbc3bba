#!/usr/bin/env bash
# Installs the reference implementations used by tests and benchmarks (never at run time):
# HF tokenizers (npm, native Rust build) into tools/peers/node_modules. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../tools/peers"
if [ ! -f node_modules/tokenizers/package.json ] || \
   [ "$(node -p "require('./node_modules/tokenizers/package.json').version")" != "$(node -p "require('./package.json').dependencies.tokenizers")" ]; then
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
fi
node -e "require('./node_modules/tokenizers')" && echo "setup-peers: tokenizers $(node -p "require('./node_modules/tokenizers/package.json').version")"
