#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: edge-list reader, labels reader,
# embeddings reader, TOML-to-config validation) with clang, ASan and UBSan, and runs each one.
# The parsers need neither LibTorch nor the rest of lib/, so the build is small.
#   tools/fuzz.sh                 # CI: 20000 executions per target
#   tools/fuzz.sh --runs -1 --time 600  # by hand: ten minutes each, no cap on executions
#   tools/fuzz.sh --targets "edge_list labels"   # some of the targets
# New inputs that reach new code are kept in tests/fuzz/corpus/<target> only
# when --grow is given (commit them); findings (crash-*, leak-*, ...) land in
# build-fuzz/findings and fail the script.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=20000
seconds=120
grow=0
targets="edge_list labels embeddings config"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --time) seconds="$2"; shift 2 ;;
    --grow) grow=1; shift ;;
    --targets) targets="$2"; shift 2 ;;
    *) echo "usage: tools/fuzz.sh [--runs N] [--time SECONDS] [--grow] [--targets \"edge_list labels embeddings config\"]" >&2; exit 2 ;;
  esac
done
if ! command -v clang++ >/dev/null 2>&1; then
  echo "tools/fuzz.sh: clang++ is missing (Debian package clang)" >&2
  exit 1
fi
out="$root/build-fuzz"
mkdir -p "$out/findings"
# -DNDEBUG as in the Release build: toml++ 3.3.0 asserts on "[#" in debug builds
# (found by this fuzzer); built as shipped it reports a clean syntax error.
flags=(-std=c++17 -O1 -g -DNDEBUG -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/lib" -I"$root/tests/fuzz")
common=("$root/lib/core/errors.cc" "$root/lib/io/line_reader.cc" "$root/lib/io/text_blocks.cc")
declare -A sources=(
  [edge_list]="$root/lib/graph/edge_list_reader.cc $root/lib/graph/graph.cc $root/lib/graph/node_index.cc $root/lib/core/parallel.cc"
  [labels]="$root/lib/eval/node_labels.cc"
  [embeddings]="$root/lib/io/embeddings_reader.cc $root/lib/io/embedding_rows.cc $root/lib/io/word2vec_binary_reader.cc $root/lib/io/word2vec_text_reader.cc $root/lib/core/parallel.cc $root/tests/fuzz/torch_reader_stub.cc"
  [config]="$root/lib/config/config_parser.cc $root/lib/config/config_writer.cc $root/lib/config/toml_ascii.cc"
)
status=0
for target in $targets; do
  binary="$out/${target}_fuzz"
  # shellcheck disable=SC2086
  clang++ "${flags[@]}" "$root/tests/fuzz/${target}_fuzz.cc" ${sources[$target]} "${common[@]}" \
    -lz -o "$binary"
  corpus=("$root/tests/fuzz/corpus/$target")
  if [ "$grow" -eq 0 ]; then
    scratch="$out/corpus-$target"
    rm -rf "$scratch" && mkdir -p "$scratch"
    corpus=("$scratch" "$root/tests/fuzz/corpus/$target")
  fi
  echo "[fuzz] $target: up to $runs executions, $seconds s" >&2
  if ! "$binary" "${corpus[@]}" -runs="$runs" -max_total_time="$seconds" -max_len=4096 \
      -artifact_prefix="$out/findings/$target-" -print_final_stats=1 2>"$out/$target.log"; then
    status=1
    echo "[fuzz] $target: FINDING (see $out/$target.log and $out/findings)" >&2
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/$target.log" |
    sed "s/^/[fuzz] $target: /" >&2 || true
done
exit $status
