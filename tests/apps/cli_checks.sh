# Sourced by the CLI test scripts: `fail` counts a failure; `expect_error PATTERN ARGS...` runs
# `$frugal "${frugal_options[@]}" ARGS...` and checks exit code 2 and PATTERN in a one-line
# stderr (log lines "[time level] ..." aside). The script sets frugal (and may set
# frugal_options, default --no-progress --threads 1) before sourcing it.
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_error() {
  local pattern=$1; shift
  local options=(--no-progress --threads 1)
  if [ -n "${frugal_options+set}" ]; then options=("${frugal_options[@]}"); fi
  set +e
  timeout 120 "$frugal" "${options[@]}" "$@" > out.txt 2> err.txt
  local rc=$?
  set -e
  local lines
  lines=$(grep -cv '^\[' err.txt || true)
  if [ "$rc" -ne 2 ] || ! grep -q -- "$pattern" err.txt || [ "$lines" -ne 1 ]; then
    fail "rc $rc, want 2 and '$pattern' in one line: frugal $*"; sed 's/^/  | /' err.txt | head -5
  else
    echo "ok: $(grep -v '^\[' err.txt)"
  fi
}
