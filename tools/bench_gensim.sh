#!/usr/bin/env bash
# Side-by-side training speed: the fused CPU trainer against gensim's Word2Vec
# (skip-gram, negative sampling) on the same walks with the same settings
# (d = 128, window 10, k = 5, one epoch, no subsampling, all cores). gensim is
# installed for this script only, into the cache, never as a dependency.
# The three trainers take turns, --repeat times, and the medians are compared,
# of the times and of each turn's ratio: a shared VM's speed drifts by 2x over
# minutes, so one run of each measures the drift as much as the trainers.
# Usage: tools/bench_gensim.sh [--repeat N] [experiment.toml]
#        (default: 3 turns on experiments/facebook.toml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat=3
if [[ "${1:-}" == "--repeat" ]]; then
  repeat="$2"
  shift 2
fi
experiment="${1:-$root/experiments/facebook.toml}"
build_dir="$("$root/tools/build.sh")"
cache="${WORKBENCH_CACHE:-$HOME/.cache/workbench}"
gensim_dir="$cache/bench-gensim"
if ! PYTHONPATH="$gensim_dir" python3 -c 'import gensim' 2>/dev/null; then
  python3 -m pip install --quiet --target "$gensim_dir" gensim >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
threads="$(nproc)"

fused() {  # $1: negative sharing; the same seed gives the same walks every time
  "$build_dir/workbench" run "$experiment" --store "$work/workbench.db" --device cpu -q \
    --set train.trainer='"fused"' --set train.negative_sharing="\"$1\"" \
    --set 'export.formats=["walks"]' --set eval.task='"none"' >&2
}

gensim() {  # appends gensim's training seconds on the first run's walks
  PYTHONPATH="$gensim_dir" python3 - "$work/artifacts/run-1/walks.txt" "$threads" \
    >>"$work/gensim_seconds" <<'PY'
import sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

corpus = LineSentence(sys.argv[1])
model = Word2Vec(vector_size=128, window=10, negative=5, sg=1, hs=0, sample=0, min_count=1,
                 ns_exponent=0.75, alpha=0.025, min_alpha=0.025 * 1e-4,
                 workers=int(sys.argv[2]), epochs=1, seed=1)
model.build_vocab(corpus)
start = time.perf_counter()
model.train(corpus, total_examples=model.corpus_count, epochs=1)
print(time.perf_counter() - start, model.corpus_count, model.corpus_total_words)
PY
}

for turn in $(seq "$repeat"); do
  echo "turn $turn of $repeat" >&2
  fused none
  gensim
  fused window
done
"$build_dir/workbench" runs export --format json --store "$work/workbench.db" -o "$work/run.json"

# Quality on the same footing: one more fused run with link prediction (its
# walks come from the residual graph), gensim trained on those walks, and its
# vectors scored by the workbench itself (train.trainer = "external") on the
# same split with the same classifier, all three runs in one store.
for sharing in none window; do
  "$build_dir/workbench" run "$experiment" --store "$work/quality.db" --device cpu -q \
    --set train.trainer='"fused"' --set train.negative_sharing="\"$sharing\"" \
    --set eval.task='"link_prediction"' --set 'eval.operators=["hadamard"]' \
    --set 'export.formats=["walks"]' >&2
done
PYTHONPATH="$gensim_dir" python3 - "$work/quality-artifacts/run-1/walks.txt" "$threads" \
  "$work/gensim.emb" <<'PY'
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

model = Word2Vec(LineSentence(sys.argv[1]), vector_size=128, window=10, negative=5, sg=1, hs=0,
                 sample=0, min_count=1, ns_exponent=0.75, alpha=0.025, min_alpha=0.025 * 1e-4,
                 workers=int(sys.argv[2]), epochs=1, seed=1)
model.wv.save_word2vec_format(sys.argv[3])
PY
"$build_dir/workbench" run "$experiment" --store "$work/quality.db" --device cpu -q \
  --set train.trainer='"external"' --set train.embeddings="\"$work/gensim.emb\"" \
  --set eval.task='"link_prediction"' --set 'eval.operators=["hadamard"]' \
  --set 'export.formats=[]' >&2
"$build_dir/workbench" runs export --format json --store "$work/quality.db" \
  -o "$work/quality.json"

python3 - "$work" "$threads" "$repeat" <<'PY'
import json, statistics, sys

work, threads, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = sorted(json.load(open(f"{work}/run.json")), key=lambda r: r["id"])
pairs = runs[0]["scores.train/pairs_per_second"] * runs[0]["timings.train"]
gensim_rows = [line.split() for line in open(f"{work}/gensim_seconds")]
seconds = {
    "gensim": [float(row[0]) for row in gensim_rows],
    "fused": [r["timings.train"] for r in runs[0::2]],
    "fused, window negatives": [r["timings.train"] for r in runs[1::2]],
}
print(f"walks: {gensim_rows[0][1]} sentences, {gensim_rows[0][2]} tokens, {threads} threads, "
      f"{repeat} turns (medians of the times and of each turn's ratio, then every turn)")
# Each turn runs the three back to back, so a turn's ratio compares them at
# one speed of the VM; its median is the figure least moved by the drift.
print(f"{'trainer':<26}{'train s':>9}{'pairs/s':>12}{'vs gensim':>11}{'per turn':>10}"
      f"   per turn (s; ratio)")
reference = statistics.median(seconds["gensim"])
for name, values in seconds.items():
    median = statistics.median(values)
    ratios = [g / v for g, v in zip(seconds["gensim"], values)]
    turns = " ".join(f"{v:.2f}" for v in values)
    turn_ratios = " ".join(f"{r:.2f}" for r in ratios)
    print(f"{name:<26}{median:>9.2f}{pairs / median:>12.3e}{reference / median:>10.2f}x"
          f"{statistics.median(ratios):>9.2f}x   {turns}; {turn_ratios}")
print("pairs counted by the workbench; both shrink the window the same way")
quality = sorted(json.load(open(f"{work}/quality.json")), key=lambda r: r["id"])
auc = [f'{r["scores.link/hadamard/roc_auc"]:.4f}' for r in quality]
print(f"link prediction ROC-AUC (Hadamard, the workbench's evaluation of each, on the fused run's "
      f"split): fused {auc[0]}, fused with window negatives {auc[1]}, gensim {auc[2]}")
PY
