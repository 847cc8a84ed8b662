"""Python client speed, printed as one JSON object: the whole logging loop, from the first
run.log() until finish() has written everything, per call and per point, against the plain
way of doing the same work: the same loop writing the same metrics events as JSON lines to a
buffered file itself (millisecond time, step, values), closed at the end.

    PYTHONPATH=src/python python3 test/bench/client_bench.py [--calls 200000] [--repeats 3]
"""

import argparse
import json
import os
import platform
import random
import shutil
import tempfile
import time

import trackside

KEYS = ("train/loss", "train/acc", "lr", "grad_norm", "samples_per_s")


def workload(calls):
    """The dicts to log, with varied floats (their repr is most of the writer's work)."""
    rng = random.Random(0)
    distinct = [{key: rng.random() for key in KEYS} for _ in range(1000)]
    return (distinct * (calls // len(distinct) + 1))[:calls]


def client_seconds(seq):
    run = trackside.init(name="bench")
    log = run.log
    t0 = time.perf_counter()
    for values in seq:
        log(values)
    run.finish()
    return time.perf_counter() - t0


def plain_seconds(seq, folder):
    dumps = json.dumps
    clock = time.time
    t0 = time.perf_counter()
    with open(os.path.join(folder, "plain.jsonl"), "w", encoding="utf-8", buffering=1 << 16) as f:
        write = f.write
        for step, values in enumerate(seq):
            write(dumps({"t": int(clock() * 1000), "type": "metrics", "step": step, "values": values}) + "\n")
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    seq = workload(args.calls)
    home = tempfile.mkdtemp(prefix="trackside-bench-")
    os.environ["TRACKSIDE_HOME"] = home
    os.environ.pop("TRACKSIDE_RUN_DIR", None)
    try:
        # Alternated, the worst of each kept: the figure users feel is the slow one.
        client, plain = [], []
        for _ in range(args.repeats):
            client.append(client_seconds(seq))
            plain.append(plain_seconds(seq, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    points = args.calls * len(KEYS)
    print(json.dumps({
        "python": platform.python_version(),
        "calls": args.calls,
        "scalars_per_call": len(KEYS),
        "client_us_per_call": max(client) / args.calls * 1e6,
        "plain_us_per_call": max(plain) / args.calls * 1e6,
        "client_points_per_s": points / max(client),
        "plain_points_per_s": points / max(plain),
    }))


if __name__ == "__main__":
    main()
