#!/usr/bin/env bash
# The one-call GPU check, for the GPU machine reached through the device tool
# (CI has no GPU). Builds, runs the [cuda] tests, the GPU benchmarks and the
# 500K-node experiment on the GPU, and prints a short table. Needs the kit of
# ../shared/device (run ../shared/device/prepare.sh once here, carry
# .device-kit). Results land in $OUT: logs, bench.json, the run store.
#   device run: source .device-kit/env.sh && tools/gpu_check.sh
# Knobs: WB_BENCH_FILTER (default: the seed-graph cases), WB_EPOCHS (default:
# 100 if the measured rate allows it within ~3 minutes, else 10).
set -uo pipefail
OUT=${OUT:-/tmp/gpu-check}
BUILD=${WB_GPU_BUILD:-/tmp/build}
STORE=/tmp/gpu-store/workbench.db
mkdir -p "$OUT" "$(dirname "$STORE")"
start=$(date +%s)
stamp() { echo "[$(($(date +%s) - start)) s] $*"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
stamp "configure and build"
if ! { cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 &&
  cmake --build "$BUILD" --target workbench workbench_cuda_tests workbench_bench; } >"$OUT/build.log" 2>&1; then
  tail -40 "$OUT/build.log"
  exit 1
fi

stamp "[cuda] tests"
timeout 300 "$BUILD/tests/workbench_cuda_tests" -r compact >"$OUT/cuda_tests.log" 2>&1
echo "cuda tests exit code $?"
grep -E "FAILED|failed|passed|with expansion|INFO|:" "$OUT/cuda_tests.log" | tail -25

stamp "benchmarks"
timeout 300 "$BUILD/tests/bench/workbench_bench" \
  --benchmark_filter="${WB_BENCH_FILTER:-^BM_Cuda[A-Za-z]+/[a-z]}" \
  --benchmark_out="$OUT/bench.json" --benchmark_out_format=json >"$OUT/bench.log" 2>&1
echo "bench exit code $?"

epochs=${WB_EPOCHS:-$(python3 tools/gpu_check_summary.py --epochs-for "$OUT/bench.json")}
run() {  # label, then --set overrides
  local label=$1
  shift
  stamp "run $label"
  timeout 400 "$BUILD/workbench" run experiments/ecommerce-500k.toml --device cuda --store "$STORE" \
    --set train.trainer='"fused"' --set 'export.formats=["npy"]' "$@" >"$OUT/run-$label.log" 2>&1
  echo "exit code $?"
  grep -E "^(walk|train|eval|load|preprocess|export) +[0-9.]+ s|hadamard" "$OUT/run-$label.log" | head -8
}
run "window-bf16-${epochs}ep" --set train.negative_sharing='"window"' --set train.storage='"bf16"' \
  --set train.epochs="$epochs"
run window-fp32-1ep --set train.negative_sharing='"window"' --set train.epochs=1
run pair-fp32-1ep --set train.negative_sharing='"none"' --set train.epochs=1
cp "$STORE" "$OUT/workbench.db"
stamp "done"
python3 tools/gpu_check_summary.py --table "$OUT/bench.json" "$OUT/workbench.db"
