#!/usr/bin/env bash
# The node2vec paper's experiments on the GPU, for the README table's GPU
# column and the GPU/AMP parity of issue #5. Each dataset trains with the
# fused CUDA trainer twice: at the p, q the CPU sweeps chose on validation
# (seed 1: the GPU column), and at the parity setting (seed 42, the
# experiment's p, q; PPI p = 4, q = 1), where Facebook and PPI also train with
# the LibTorch trainer in FP32 and bf16 autocast. Results land in a run store
# under $OUT; back on the main machine,
#   build/workbench runs import <fetched>/paper-gpu.db --store PAPER_STORE
#   build/workbench report paper --store PAPER_STORE     (the GPU column)
# and the same import into the store of the CPU parity runs sets the GPU
# trainers beside the CPU reference (the report's second table).
# Run after tools/gpu_check.sh, which builds $WB_GPU_BUILD.
#   device run: source .device-kit/env.sh && tools/gpu_paper.sh
# Needs the datasets under $WB_DATA (default .device-data, a copy of
# ../shared/datasets carried to the machine). WB_DEVICE=cpu WB_QUICK=1 tries
# the script here on the CPU with 1 walk per node.
set -uo pipefail
OUT=${OUT:-/tmp/gpu-paper}
BUILD=${WB_GPU_BUILD:-/tmp/build}
DATA=$(realpath "${WB_DATA:-.device-data}")
DEVICE=${WB_DEVICE:-cuda}
STORE=$OUT/paper-gpu.db
mkdir -p "$OUT"
start=$(date +%s)
stamp() { echo "[$(($(date +%s) - start)) s] $*"; }

if [ ! -x "$BUILD/workbench" ]; then
  stamp "building (tools/gpu_check.sh did not run first)"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DCMAKE_PREFIX_PATH="${CMAKE_PREFIX_PATH:-}" >"$OUT/build.log" 2>&1 &&
    cmake --build "$BUILD" --target workbench >>"$OUT/build.log" 2>&1 || {
    tail -30 "$OUT/build.log"
    exit 1
  }
fi

quick=()
[ -n "${WB_QUICK:-}" ] && quick=(--set walk.walks_per_node=1 --set eval.repeats=2)

# dataset, edge file, labels file ("" for link prediction)
datasets=(
  "facebook facebook/facebook_combined.txt"
  "astroph astroph/ca-AstroPh.txt.gz"
  "ppi ppi/ppi.edgelist ppi/ppi_labels.txt"
  "wikipedia wikipedia/POS.edgelist wikipedia/POS.labels"
  "blogcatalog blogcatalog/edges.csv blogcatalog/group-edges.csv"
)

run() {  # dataset, label, then --set overrides
  local dataset=$1 label=$2
  shift 2
  stamp "$dataset: $label"
  timeout 240 "$BUILD/workbench" run "experiments/paper/$dataset.toml" --device "$DEVICE" \
    --store "$STORE" --set 'export.formats=[]' "${paths[@]}" "$@" "${quick[@]}" \
    >>"$OUT/paper-runs.log" 2>&1
  echo "exit code $?"
}

# The p, q (and walks per node) the CPU sweeps chose on validation (README).
declare -A chosen=(
  [facebook]="--set walk.p=0.25 --set walk.q=4"
  [astroph]="--set walk.p=0.25 --set walk.q=4"
  [ppi]="--set walk.p=4 --set walk.q=2"
  [wikipedia]="--set walk.p=4 --set walk.q=2"
  [blogcatalog]="--set walk.p=0.25 --set walk.q=0.25 --set walk.walks_per_node=40"
)

for entry in "${datasets[@]}"; do
  read -r dataset edges labels <<<"$entry"
  if [ ! -f "$DATA/$edges" ]; then
    echo "skipped $dataset: $DATA/$edges is not there"
    continue
  fi
  paths=(--set "graph.path=\"$DATA/$edges\"")
  [ -n "${labels:-}" ] && paths+=(--set "eval.labels=\"$DATA/$labels\"")
  read -r -a settings <<<"${chosen[$dataset]}"
  run "$dataset" "fused, chosen p, q" --set 'train.trainer="fused"' --set experiment.seed=1 \
    "${settings[@]}"
  parity=()
  [ "$dataset" = ppi ] && parity=(--set walk.p=4 --set walk.q=1)
  run "$dataset" "fused, parity setting" --set 'train.trainer="fused"' "${parity[@]}"
  if [ "$dataset" = facebook ] || [ "$dataset" = ppi ]; then
    for amp in off bf16; do
      run "$dataset" "torch amp=$amp, parity setting" --set 'train.trainer="torch"' \
        --set "train.amp=\"$amp\"" "${parity[@]}"
    done
  fi
done

stamp "done"
"$BUILD/workbench" runs list --store "$STORE" | tee "$OUT/paper-runs-list.txt"
grep -E "^error|rror:" "$OUT/paper-runs.log" | tail -10
