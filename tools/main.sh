#!/usr/bin/env bash
# The main job: set up, build, and run an experiment (experiments/ecommerce.toml
# unless another file is given). Extra arguments go to `workbench run`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$("$root/tools/build.sh")"
cd "$root"
experiment="${1:-experiments/ecommerce.toml}"
[ $# -gt 0 ] && shift
exec "$build_dir/workbench" run "$experiment" "$@"
