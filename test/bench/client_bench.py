"""Python client speed, printed as one JSON object.

(a) median time per run.log() call with 5 scalars (timed in batches of 100 calls, so the
    writer thread's share of the GIL is included), against a bare deque.append;
(b) sustained points/s from the first log() until finish() has written everything, against
    a bare deque.append loop over the same calls.

    PYTHONPATH=src/python python3 test/bench/client_bench.py [--calls 200000]
"""

import argparse
import collections
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time

import trackside

BATCH = 100
KEYS = ("train/loss", "train/acc", "lr", "grad_norm", "samples_per_s")


def workload(calls):
    """The dicts to log, with varied floats (their repr is most of the writer's work)."""
    rng = random.Random(0)
    distinct = [{key: rng.random() for key in KEYS} for _ in range(1000)]
    return (distinct * (calls // len(distinct) + 1))[:calls]


def median_per_call_us(fn, seq):
    clock = time.perf_counter_ns
    per_call = []
    for start in range(0, len(seq) - BATCH + 1, BATCH):
        batch = seq[start:start + BATCH]
        t0 = clock()
        for values in batch:
            fn(values)
        per_call.append((clock() - t0) / BATCH / 1000)
    return statistics.median(per_call)


def sustained_points_per_s(seq):
    run = trackside.init(name="bench")
    log = run.log
    t0 = time.perf_counter()
    for values in seq:
        log(values)
    run.finish()
    return len(seq) * len(KEYS) / (time.perf_counter() - t0)


def append_points_per_s(seq):
    queue = collections.deque()
    append = queue.append
    t0 = time.perf_counter()
    for values in seq:
        append(values)
    return len(seq) * len(KEYS) / (time.perf_counter() - t0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200000)
    args = parser.parse_args()
    seq = workload(args.calls)
    home = tempfile.mkdtemp(prefix="trackside-bench-")
    os.environ["TRACKSIDE_HOME"] = home
    os.environ.pop("TRACKSIDE_RUN_DIR", None)
    try:
        run = trackside.init(name="bench")
        log_us = median_per_call_us(run.log, seq)
        run.finish()
        append_us = median_per_call_us(collections.deque().append, seq)
        points = sustained_points_per_s(seq)
        baseline_points = append_points_per_s(seq)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({
        "python": platform.python_version(),
        "calls": args.calls,
        "scalars_per_call": len(KEYS),
        "log_us_median": log_us,
        "append_us_median": append_us,
        "points_per_s": points,
        "append_points_per_s": baseline_points,
    }))


if __name__ == "__main__":
    main()
