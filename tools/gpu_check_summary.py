#!/usr/bin/env python3
"""Summarises tools/gpu_check.sh's results: the benchmark rates and the runs.

--headline BENCH_JSON     prints the faster window storage (fp32 or bf16), how
                          many epochs of the 500K experiment to train (100 when
                          they fit in 160 s at its measured rate, else what
                          fits in two minutes), and the kernel that measured
                          it (ring or async)
--table BENCH_JSON STORE  prints the benchmark table and the runs' scores
"""
import json
import re
import sqlite3
import sys

PAIRS_PER_EPOCH = 4.4e9  # 5M walks x 80 tokens x ~11 contexts (window 10, dynamic)


def benchmarks(path):
    try:
        with open(path) as f:
            return json.load(f).get("benchmarks", [])
    except (OSError, ValueError):
        return []


def headline(path):
    best = ("fp32", 0.0, "ring")
    for b in benchmarks(path):
        # The default slot count of either kernel: window_fp32, window_bf16_async, ...
        match = re.match(r"BM_CudaTrain/window_(fp32|bf16)(_async)?/", b["name"])
        if match and b.get("pairs_per_s", 0) > best[1]:
            best = (match.group(1), b["pairs_per_s"], "async" if match.group(2) else "ring")
    storage, rate, kernel = best
    # All 100 epochs when their training fits in the 3-minute target with
    # room for the graph, walks and evaluation; else what fits in ~2 minutes.
    if 100 * PAIRS_PER_EPOCH / max(rate, 1.0) <= 160:
        epochs = 100
    else:
        epochs = max(1, min(100, int(120 * rate / PAIRS_PER_EPOCH)))
    return f"{storage} {epochs} {kernel}"


def table(bench_path, store_path):
    print(f"{'benchmark':58} {'rate':>12} {'B/pair':>8} {'of BW':>6} {'regs':>5} {'warps/SM':>8} {'rows':>5}")
    for b in benchmarks(bench_path):
        if "error_occurred" in b:
            print(f"{b['name']:58} error: {b.get('error_message', '')}")
            continue
        unit = next((key for key in ("pairs_per_s", "steps_per_s", "edges_per_s") if key in b),
                    "steps_per_s")
        rate = b.get(unit) or 0
        bpp = b.get("bytes_per_pair")
        frac = b.get("bandwidth_fraction")
        occupancy = "".join(f" {b[key]:{width}.0f}" for key, width in
                            (("registers", 5), ("warps_per_sm", 8), ("rows_in_flight", 5))
                            if key in b)
        print(f"{b['name']:58} {rate:10.3g} {unit[:1]} "
              f"{'' if bpp is None else f'{bpp:8.0f}'} {'' if frac is None else f'{frac:6.2f}'}"
              f"{occupancy}")
    try:
        db = sqlite3.connect(store_path)
    except sqlite3.Error as error:
        print("no store:", error)
        return
    print()
    print(f"{'run':>4} {'experiment':22} {'status':9} {'trainer':7} {'amp':4} {'sharing':8} {'storage':8} {'ep':>4} {'walk s':>7} "
          f"{'train s':>8} {'total s':>8} {'pairs/s':>10} {'AUC hadamard':>12}")
    for run_id, experiment, status in db.execute(
            "SELECT id, experiment, status FROM runs ORDER BY id"):
        p = dict(db.execute("SELECT key, value FROM params WHERE run_id=?", (run_id,)))
        t = dict(db.execute("SELECT phase, seconds FROM timings WHERE run_id=?", (run_id,)))
        s = dict(db.execute("SELECT key, value FROM scores WHERE run_id=?", (run_id,)))
        print(f"{run_id:4} {experiment[:22]:22} {status:9} {p.get('train.trainer', '?'):7} {p.get('train.amp', '?'):4} "
              f"{p.get('train.negative_sharing', '?'):8} "
              f"{p.get('train.storage', '?'):8} {p.get('train.epochs', '?'):>4} "
              f"{t.get('walk', 0):7.2f} {t.get('train', 0):8.2f} {sum(t.values()):8.1f} "
              f"{s.get('train/pairs_per_second', 0):10.3g} "
              f"{s.get('link/hadamard/roc_auc', float('nan')):12.4f}")


if __name__ == "__main__":
    if sys.argv[1] == "--headline":
        print(headline(sys.argv[2]))
    else:
        table(sys.argv[2], sys.argv[3])
