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

"$build_dir/workbench" run "$experiment" --store "$work/workbench.db" --device cpu -q \
  --set train.trainer='"fused"' --set 'export.formats=["walks"]' --set eval.task='"none"' >&2
"$build_dir/workbench" runs export --format json --store "$work/workbench.db" -o "$work/run.json"

PYTHONPATH="$gensim_dir" python3 - "$work" "$threads" <<'PY'
import json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

work, threads = sys.argv[1], int(sys.argv[2])
run = json.load(open(f"{work}/run.json"))[0]
pairs = run["scores.train/pairs_per_second"] * run["timings.train"]
corpus = LineSentence(f"{work}/artifacts/run-{run['id']}/walks.txt")
model = Word2Vec(vector_size=128, window=10, negative=5, sg=1, hs=0, sample=0, min_count=1,
                 ns_exponent=0.75, alpha=0.025, min_alpha=0.025 * 1e-4, workers=threads,
                 epochs=1, seed=1)
model.build_vocab(corpus)
start = time.perf_counter()
model.train(corpus, total_examples=model.corpus_count, epochs=1)
gensim_seconds = time.perf_counter() - start
fused_seconds = run["timings.train"]
print(f"walks: {model.corpus_count} sentences, {model.corpus_total_words} tokens, {threads} threads")
print(f"{'trainer':<12}{'train s':>10}{'pairs/s':>14}")
print(f"{'fused':<12}{fused_seconds:>10.2f}{pairs / fused_seconds:>14.3e}")
print(f"{'gensim':<12}{gensim_seconds:>10.2f}{pairs / gensim_seconds:>14.3e}")
print(f"fused / gensim speed: {gensim_seconds / fused_seconds:.2f}x "
      "(pairs counted by the workbench; both shrink the window the same way)")
PY
