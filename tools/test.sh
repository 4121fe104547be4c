#!/usr/bin/env bash
# The test suite: set up, build, run every test (Catch2 through CTest), then
# fuzz the parsers for a bounded number of executions and run the CPU tests
# again under ASan+UBSan.
# Extra arguments go to ctest, e.g. -R walk.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$("$root/tools/build.sh")"
# The Python checks of the exported files use the torch (and numpy) that setup installed.
export WORKBENCH_TORCH_PYTHONPATH="${WORKBENCH_TORCH_PYTHONPATH:-${WORKBENCH_CACHE:-$HOME/.cache/workbench}/torch-${WORKBENCH_TORCH_VERSION:-2.11.0}}"
"$root/tools/install_test_tools.sh"
ctest --test-dir "$build_dir" --output-on-failure -j "${WORKBENCH_JOBS:-2}" "$@"
if [ $# -eq 0 ]; then
  # A bounded fuzzing pass over the parsers (tools/fuzz.sh runs longer by hand).
  "$root/tools/fuzz.sh" --runs "${WORKBENCH_FUZZ_RUNS:-20000}" --time 120
  # The CPU tests again under AddressSanitizer and UndefinedBehaviorSanitizer
  # (build-asan/; WORKBENCH_SANITIZE=0 skips it for a quick local pass).
  if [ "${WORKBENCH_SANITIZE:-1}" != 0 ]; then
    "$root/tools/sanitize.sh"
  fi
fi
