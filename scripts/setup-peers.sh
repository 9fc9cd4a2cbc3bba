#!/usr/bin/env bash
# Installs the reference implementations used by tests and benchmarks (never at run time) into
# tools/peers/node_modules: HF tokenizers (native Rust build) and ONNX Runtime (onnxruntime-node,
# whose CPU binary ships in the package, hence --ignore-scripts). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../tools/peers"
needs_install=0
for pkg in tokenizers onnxruntime-node; do
  want=$(node -p "require('./package.json').dependencies['$pkg']")
  if [ ! -f "node_modules/$pkg/package.json" ] || [ "$(node -p "require('./node_modules/$pkg/package.json').version")" != "$want" ]; then
    needs_install=1
  fi
done
if [ $needs_install -eq 1 ]; then
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
fi
node -e "require('./node_modules/tokenizers'); require('./node_modules/onnxruntime-node')" &&
  echo "setup-peers: tokenizers $(node -p "require('./node_modules/tokenizers/package.json').version"), onnxruntime-node $(node -p "require('./node_modules/onnxruntime-node/package.json').version")"
