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
# Runs go in order of use: every dataset's chosen-setting run first, then the
# parity runs, so a deadline (WB_DEADLINE, see tools/gpu_lib.sh) cuts the
# least needed ones. Builds $WB_GPU_BUILD unless tools/gpu_check.sh did.
#   device run: source .device-kit/env.sh && tools/gpu_paper.sh
# Needs the datasets under $WB_DATA (default .device-data, a copy of
# ../shared/datasets carried to the machine). WB_DEVICE=cpu WB_QUICK=1 tries
# the script here on the CPU with 1 walk per node.
set -uo pipefail
OUT=${OUT:-/tmp/gpu-paper}
mkdir -p "$OUT"
source "$(dirname "$0")/gpu_lib.sh"
DATA=$(realpath "${WB_DATA:-.device-data}")
DEVICE=${WB_DEVICE:-cuda}
STORE=$OUT/paper-gpu.db

[ -x "$BUILD/workbench" ] || build_targets workbench || exit 1

quick=()
[ -n "${WB_QUICK:-}" ] && quick=(--set walk.walks_per_node=1 --set eval.repeats=2)

# dataset (experiments/paper/<dataset>.toml), edge file, labels file (none
# for link prediction)
datasets=(
  "facebook facebook/facebook_combined.txt"
  "astroph astroph/ca-AstroPh.txt.gz"
  "ppi ppi/ppi.edgelist ppi/ppi_labels.txt"
  "ppi-link ppi/ppi.edgelist"
  "wikipedia wikipedia/POS.edgelist wikipedia/POS.labels"
  "blogcatalog blogcatalog/edges.csv blogcatalog/group-edges.csv"
)

# The p, q (and walks per node, learning rate) the CPU sweeps chose on
# validation (README).
declare -A chosen=(
  [facebook]="--set walk.p=0.25 --set walk.q=4"
  [astroph]="--set walk.p=0.25 --set walk.q=4"
  [ppi]="--set walk.p=0.5 --set walk.q=0.5 --set train.learning_rate=0.0125"
  [ppi-link]="--set walk.p=0.25 --set walk.q=4"
  [wikipedia]="--set walk.p=4 --set walk.q=1 --set train.learning_rate=0.0125"
  [blogcatalog]="--set walk.p=0.25 --set walk.q=0.25 --set walk.walks_per_node=40"
)

# The parity setting: the experiment's p, q (PPI's as the CPU parity runs).
declare -A parity=([ppi]="--set walk.p=4 --set walk.q=1")

run() {  # dataset, label, then --set overrides; the dataset's files from $DATA
  local dataset=$1 label=$2 entry edges labels
  shift 2
  for entry in "${datasets[@]}"; do
    [ "${entry%% *}" = "$dataset" ] && read -r _ edges labels <<<"$entry"
  done
  if [ ! -f "$DATA/$edges" ]; then
    echo "skipped $dataset: $DATA/$edges is not there"
    return
  fi
  local paths=(--set "graph.path=\"$DATA/$edges\"")
  [ -n "${labels:-}" ] && paths+=(--set "eval.labels=\"$DATA/$labels\"")
  stamp "$dataset: $label"
  bounded 240 "$dataset: $label" "$BUILD/workbench" run "experiments/paper/$dataset.toml" \
    --device "$DEVICE" --store "$STORE" --set 'export.formats=[]' "${paths[@]}" "$@" \
    "${quick[@]}" >>"$OUT/paper-runs.log" 2>&1
  echo "exit code $?"
}

for entry in "${datasets[@]}"; do
  dataset=${entry%% *}
  read -r -a settings <<<"${chosen[$dataset]}"
  run "$dataset" "fused, chosen p, q" --set 'train.trainer="fused"' --set experiment.seed=1 \
    "${settings[@]}"
done
for entry in "${datasets[@]}"; do
  dataset=${entry%% *}
  read -r -a settings <<<"${parity[$dataset]:-}"
  run "$dataset" "fused, parity setting" --set 'train.trainer="fused"' "${settings[@]}"
done
for dataset in facebook ppi; do
  read -r -a settings <<<"${parity[$dataset]:-}"
  for amp in off bf16; do
    run "$dataset" "torch amp=$amp, parity setting" --set 'train.trainer="torch"' \
      --set "train.amp=\"$amp\"" "${settings[@]}"
  done
done

stamp "done"
"$BUILD/workbench" runs list --store "$STORE" | tee "$OUT/paper-runs-list.txt"
grep -E "^error|rror:" "$OUT/paper-runs.log" | tail -10
