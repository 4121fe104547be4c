#!/usr/bin/env bash
# The CPU test suite built with AddressSanitizer and UndefinedBehaviorSanitizer
# (g++, -O1) in build-asan/, then run. Any report fails the run. CUDA and the
# benchmarks are left out; the long [dataset] runs skip (WB_DATASETS_DIR is
# pointed at nothing). Extra arguments go to ctest, e.g. -R store.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$(date +%s)
build_dir="$(WORKBENCH_BUILD_DIR="${WORKBENCH_ASAN_DIR:-$root/build-asan}" \
  WORKBENCH_CMAKE_ARGS="-DWORKBENCH_SANITIZE=ON -DWORKBENCH_CUDA=OFF" "$root/tools/build.sh")"
echo "[sanitize] build: $(( $(date +%s) - start )) s" >&2

export WORKBENCH_TORCH_PYTHONPATH="${WORKBENCH_TORCH_PYTHONPATH:-${WORKBENCH_CACHE:-$HOME/.cache/workbench}/torch-${WORKBENCH_TORCH_VERSION:-2.11.0}}"
export WB_DATASETS_DIR=/nonexistent
# halt_on_error makes the first report fail its test; LeakSanitizer reports
# what the workbench leaks, with LibTorch's process-lifetime allocations
# suppressed (they are freed by the OS at exit, by design).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/tools/lsan_suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
start=$(date +%s)
ctest --test-dir "$build_dir" --output-on-failure -j "${WORKBENCH_JOBS:-2}" -LE cuda "$@"
echo "[sanitize] tests: $(( $(date +%s) - start )) s" >&2
