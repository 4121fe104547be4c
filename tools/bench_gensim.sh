#!/usr/bin/env bash
# Side-by-side training speed: the fused CPU trainer against gensim's Word2Vec
# (skip-gram, negative sampling) on the same walks with the same settings
# (d = 128, window 10, k = 5, one epoch, no subsampling, all cores). gensim is
# installed for this script only, into the cache, never as a dependency.
# Usage: tools/bench_gensim.sh [experiment.toml]   (default: experiments/facebook.toml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$("$root/tools/build.sh")"
cache="${WORKBENCH_CACHE:-$HOME/.cache/workbench}"
gensim_dir="$cache/bench-gensim"
if ! PYTHONPATH="$gensim_dir" python3 -c 'import gensim' 2>/dev/null; then
  python3 -m pip install --quiet --target "$gensim_dir" gensim >&2
fi
experiment="${1:-$root/experiments/facebook.toml}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
threads="$(nproc)"

# The same walks (same seed) for both fused variants: negatives per pair, and
# negatives shared by each center's window.
for sharing in none window; do
  "$build_dir/workbench" run "$experiment" --store "$work/workbench.db" --device cpu -q \
    --set train.trainer='"fused"' --set train.negative_sharing="\"$sharing\"" \
    --set 'export.formats=["walks"]' --set eval.task='"none"' >&2
done
"$build_dir/workbench" runs export --format json --store "$work/workbench.db" -o "$work/run.json"

PYTHONPATH="$gensim_dir" python3 - "$work" "$threads" <<'PY'
import json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

work, threads = sys.argv[1], int(sys.argv[2])
runs = sorted(json.load(open(f"{work}/run.json")), key=lambda r: r["id"])
run = runs[0]
pairs = run["scores.train/pairs_per_second"] * run["timings.train"]
corpus = LineSentence(f"{work}/artifacts/run-{run['id']}/walks.txt")
model = Word2Vec(vector_size=128, window=10, negative=5, sg=1, hs=0, sample=0, min_count=1,
                 ns_exponent=0.75, alpha=0.025, min_alpha=0.025 * 1e-4, workers=threads,
                 epochs=1, seed=1)
model.build_vocab(corpus)
start = time.perf_counter()
model.train(corpus, total_examples=model.corpus_count, epochs=1)
gensim_seconds = time.perf_counter() - start
print(f"walks: {model.corpus_count} sentences, {model.corpus_total_words} tokens, {threads} threads")
print(f"{'trainer':<28}{'train s':>10}{'pairs/s':>14}{'vs gensim':>11}")
print(f"{'gensim':<28}{gensim_seconds:>10.2f}{pairs / gensim_seconds:>14.3e}{1:>10.2f}x")
for r, label in zip(runs, ["fused", "fused, window negatives"]):
    seconds = r["timings.train"]
    print(f"{label:<28}{seconds:>10.2f}{pairs / seconds:>14.3e}{gensim_seconds / seconds:>10.2f}x")
print("pairs counted by the workbench; both shrink the window the same way")
PY
