#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), then configures and builds the
# workbench in build/ (or $WORKBENCH_BUILD_DIR). Safe to run again: only what
# changed is rebuilt. Prints the build directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${WORKBENCH_BUILD_DIR:-$root/build}"
jobs="${WORKBENCH_JOBS:-2}"

torch_prefix="$("$root/tools/setup.sh" | tail -n 1)"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  # WORKBENCH_CMAKE_ARGS: more configure options (tools/sanitize.sh sets them).
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix" ${WORKBENCH_CMAKE_ARGS:-} >&2
fi
cmake --build "$build_dir" -j "$jobs" >&2
echo "$build_dir"
