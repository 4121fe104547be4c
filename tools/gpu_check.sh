#!/usr/bin/env bash
# The one-call GPU check, for the GPU machine reached through the device tool
# (CI has no GPU). Builds, runs the [cuda] tests, the GPU benchmarks and the
# 500K-node experiment on the GPU, and prints a short table. Needs the kit of
# ../shared/device (run ../shared/device/prepare.sh once here, carry
# .device-kit). Results land in $OUT: logs, bench.json, the run store.
#   device run: source .device-kit/env.sh && tools/gpu_check.sh
# Knobs: WB_CHECK_PARTS (default "tests bench runs": which parts, in that
# order), WB_DEADLINE (see tools/gpu_lib.sh), WB_BENCH_FILTER (default: the
# seed-graph cases), WB_HEADLINE ("storage epochs kernel"; default: the
# faster window storage and kernel, and 100 epochs if its measured rate trains
# them within 160 s, else what fits in ~2 minutes).
set -uo pipefail
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
source "$(dirname "$0")/gpu_lib.sh"
STORE=/tmp/gpu-store/workbench.db
mkdir -p "$(dirname "$STORE")"
parts=" ${WB_CHECK_PARTS:-tests bench runs} "
wants() { [[ $parts == *" $1 "* ]]; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
build_targets workbench workbench_cuda_tests workbench_bench || exit 1

if wants tests; then
  stamp "[cuda] tests"
  # The Facebook parity test reads WB_DATASETS_DIR: carry a copy as .device-data.
  [ -d .device-data ] && export WB_DATASETS_DIR=$PWD/.device-data
  bounded 240 "[cuda] tests" "$BUILD/tests/workbench_cuda_tests" -r compact >"$OUT/cuda_tests.log" 2>&1
  echo "cuda tests exit code $?"
  grep -E "failed|passed|warning|AUC|skipped" "$OUT/cuda_tests.log" | tail -25
fi

# bench.json outlives the call on a warm machine: a later "runs" part reads it.
BENCH_JSON=/tmp/gpu-store/bench.json
if wants bench; then
  stamp "benchmarks"
  bounded 240 benchmarks "$BUILD/tests/bench/workbench_bench" \
    --benchmark_filter="${WB_BENCH_FILTER:-^BM_Cuda[A-Za-z]+/[a-z]|^BM_ReadEdgeList/|^BM_TrainCpuKernel/}" \
    --benchmark_out="$BENCH_JSON" --benchmark_out_format=json >"$OUT/bench.log" 2>&1
  echo "bench exit code $?"
fi
[ -f "$BENCH_JSON" ] && cp "$BENCH_JSON" "$OUT/bench.json"

run() {  # experiment file, label, then --set overrides
  local file=$1 label=$2
  shift 2
  stamp "run $label"
  bounded 300 "run $label" "$BUILD/workbench" run "$file" --device cuda --store "$STORE" \
    --set 'export.formats=["npy"]' "$@" >>"$OUT/runs.log" 2>&1
  echo "exit code $?"
}
if wants runs; then
  read -r storage epochs kernel <<<"${WB_HEADLINE:-$(python3 tools/gpu_check_summary.py --headline "$BENCH_JSON")}"
  kernel=${kernel:-ring}
  shop=experiments/ecommerce-500k.toml
  export WB_SGNS_KERNEL=$kernel
  run $shop "window-$storage-${epochs}ep-$kernel" --set train.trainer='"fused"' \
    --set train.negative_sharing='"window"' --set train.storage="\"$storage\"" --set train.epochs="$epochs" \
    --set experiment.name="\"ecommerce-500k-$kernel\""
  unset WB_SGNS_KERNEL
  for sharing in window none; do
    run $shop "$sharing-fp32-1ep" --set train.trainer='"fused"' \
      --set train.negative_sharing="\"$sharing\"" --set train.epochs=1
  done
  # The shared-memory kernel (sgns_cuda_async.cu) on the same runs: same AUC?
  export WB_SGNS_KERNEL=async
  for sharing in window none; do
    run $shop "$sharing-fp32-async-1ep" --set train.trainer='"fused"' \
      --set train.negative_sharing="\"$sharing\"" --set train.epochs=1 --set experiment.name='"ecommerce-500k-async"'
  done
  unset WB_SGNS_KERNEL
  # Experimental: fp32 updates added in L2 (diverged on this graph once; see
  # lib/train/fused_cuda_trainer.cu).
  export WB_SGNS_ATOMIC=1
  run $shop window-fp32-atomic-1ep --set train.trainer='"fused"' \
    --set train.negative_sharing='"window"' --set train.epochs=1 --set experiment.name='"ecommerce-500k-atomic"'
  unset WB_SGNS_ATOMIC
  for rounding in true false; do
    run $shop "window-bf16-sr-$rounding-1ep" --set train.trainer='"fused"' \
      --set train.negative_sharing='"window"' --set train.storage='"bf16"' \
      --set train.stochastic_rounding="$rounding" --set train.epochs=1
  done
  # The LibTorch reference on the GPU: FP32 against bf16 autocast, per-pair
  # negatives against negatives shared per chunk (tensor-core products), batches
  # made on the device (train.batching = "auto") and once on the host.
  if [ -f .device-data/facebook/facebook_combined.txt ]; then
    for sharing in none batch; do
      for amp in off bf16; do
        run experiments/facebook.toml "torch-$sharing-$amp" --set graph.path="\"$PWD/.device-data/facebook/facebook_combined.txt\"" \
          --set train.trainer='"torch"' --set train.amp="\"$amp\"" --set train.negative_sharing="\"$sharing\"" \
          --set train.batch_size=16384 --set walk.walks_per_node=2
      done
    done
    # Batches made on the host (one CPU thread), as before train.batching existed.
    run experiments/facebook.toml "torch-none-off-host" --set graph.path="\"$PWD/.device-data/facebook/facebook_combined.txt\"" \
      --set train.trainer='"torch"' --set train.batching='"host"' \
      --set train.batch_size=16384 --set walk.walks_per_node=2
  fi
fi
[ -f "$STORE" ] && cp "$STORE" "$OUT/workbench.db"
[ -f "$OUT/runs.log" ] && grep -E "^run [0-9]+:|^(walk|train|eval) +[0-9.]+ s|hadamard|rror" "$OUT/runs.log" | tail -60 >"$OUT/runs-short.log"
stamp "done"
python3 tools/gpu_check_summary.py --table "$BENCH_JSON" "$STORE"
