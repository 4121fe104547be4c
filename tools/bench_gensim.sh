#!/usr/bin/env bash
# Side-by-side training speed: the fused CPU trainer against gensim's Word2Vec
# (skip-gram, negative sampling) on the same walks with the same settings
# (d = 128, window 10, k = 5, one epoch, no subsampling, all cores). gensim is
# installed for this script only, into the cache, never as a dependency.
# The three trainers take turns, --repeat times, and the medians are compared:
# a shared VM's speed drifts by 2x over minutes, so one run of each measures
# the drift as much as the trainers.
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
# walks come from the residual graph), gensim trained on those walks, and both
# embeddings scored by one evaluator on the run's own split (split.tsv).
for sharing in none window; do
  "$build_dir/workbench" run "$experiment" --store "$work/quality.db" --device cpu -q \
    --set train.trainer='"fused"' --set train.negative_sharing="\"$sharing\"" \
    --set eval.task='"link_prediction"' --set 'eval.operators=["hadamard"]' \
    --set 'export.formats=["walks", "npy"]' >&2
done
PYTHONPATH="$gensim_dir" python3 - "$work/quality-artifacts/run-1" "$threads" \
  >"$work/quality.txt" <<'PY'
import sys
import numpy as np
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

run, threads = sys.argv[1], int(sys.argv[2])
model = Word2Vec(LineSentence(f"{run}/walks.txt"), vector_size=128, window=10, negative=5, sg=1,
                 hs=0, sample=0, min_count=1, ns_exponent=0.75, alpha=0.025,
                 min_alpha=0.025 * 1e-4, workers=threads, epochs=1, seed=1)
ids = [line.rstrip("\n") for line in open(f"{run}/node_ids.txt")]
index = {node: i for i, node in enumerate(ids)}
# Nodes no walk visited keep gensim's absence: zero vectors, as untrained rows.
gensim = np.stack([model.wv[n] if n in model.wv else np.zeros(128, np.float32) for n in ids])
split = [line.split("\t") for line in open(f"{run}/split.tsv") if not line.startswith("#")]

def features(table, part):
    rows = [r for r in split if r[0] == part]
    u = table[[index[r[1]] for r in rows]]
    v = table[[index[r[2]] for r in rows]]
    return (u * v).astype(np.float64), np.array([float(r[3]) for r in rows])

def roc_auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return (ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)

def hadamard_auc(table):
    # L2-regularised logistic regression (lambda = 1 / n, scikit-learn's C = 1)
    # on Hadamard features, fitted by Newton's method.
    x, y = features(table, "train")
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    reg = np.eye(x.shape[1]) / len(x)
    reg[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        step = np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]) / len(x) + reg,
                               x.T @ (p - y) / len(x) + reg @ w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    tx, ty = features(table, "test")
    return roc_auc(np.hstack([tx, np.ones((len(tx), 1))]) @ w, ty)

print(f"fused {hadamard_auc(np.load(f'{run}/embeddings.npy')):.4f}")
window_run = run.replace("run-1", "run-2")  # the same walks: same seed, same split
print(f"window {hadamard_auc(np.load(f'{window_run}/embeddings.npy')):.4f}")
print(f"gensim {hadamard_auc(gensim):.4f}")
PY

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
      f"{repeat} turns (median, then every turn)")
print(f"{'trainer':<26}{'train s':>9}{'pairs/s':>12}{'vs gensim':>11}   per turn (s)")
reference = statistics.median(seconds["gensim"])
for name, values in seconds.items():
    median = statistics.median(values)
    turns = " ".join(f"{v:.2f}" for v in values)
    print(f"{name:<26}{median:>9.2f}{pairs / median:>12.3e}{reference / median:>10.2f}x   {turns}")
print("pairs counted by the workbench; both shrink the window the same way")
auc = dict(line.split() for line in open(f"{work}/quality.txt"))
print(f"link prediction ROC-AUC (Hadamard, one evaluator, the fused run's split): "
      f"fused {auc['fused']}, fused with window negatives {auc['window']}, gensim {auc['gensim']}")
PY
