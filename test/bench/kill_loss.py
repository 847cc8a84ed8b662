"""How much a SIGKILL loses: the time between the kill and the newest point on disk.

The promise is a maximum (0.5 s), so each logger is killed 20 times at moments drawn from a
fixed seed, and both the maximum and the median are reported. Loggers: one logging every
millisecond, and a tight loop (a logger faster than the writer can format). The baseline is
the 1 ms logger calling run.flush() after every log(), the least a kill can lose. Prints JSON.

    PYTHONPATH=src/python python3 test/bench/kill_loss.py [--kills 20]
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

CHILD = textwrap.dedent("""
    import sys, time, trackside
    run = trackside.init()
    mode = sys.argv[1]
    print("ready", flush=True)
    while True:
        run.log({"t": time.time()})
        if mode == "flush":
            run.flush()
        if mode != "tight":
            time.sleep(0.001)
""")


def newest_point(home):
    runs = os.path.join(home, "runs")
    (run,) = os.listdir(runs)
    newest = 0.0
    with open(os.path.join(runs, run, "events.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.endswith("\n") and '"metrics"' in line:
                newest = max(newest, json.loads(line)["values"]["t"])
    return newest


def loss(mode, delay):
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, ".trackside")
        env = dict(os.environ, TRACKSIDE_HOME=home)
        child = subprocess.Popen([sys.executable, "-c", CHILD, mode],
                                 cwd=tmp, env=env, stdout=subprocess.PIPE, universal_newlines=True)
        child.stdout.readline()
        started = time.time()
        time.sleep(delay)  # the random moment of the kill
        killed_at = time.time()
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        return killed_at - max(started, newest_point(home))  # nothing on disk: all of it lost


def losses(mode, kills, rng):
    return [loss(mode, rng.uniform(0.3, 1.5)) for _ in range(kills)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20)
    paced = losses("paced", args.kills, rng)
    tight = losses("tight", args.kills, rng)
    flushed = losses("flush", 5, rng)
    print(json.dumps({
        "kills": args.kills,
        "loss_max_s": max(paced),
        "loss_median_s": statistics.median(paced),
        "tight_loss_max_s": max(tight),
        "tight_loss_median_s": statistics.median(tight),
        "flush_each_loss_s": statistics.median(flushed),
    }))


if __name__ == "__main__":
    main()
