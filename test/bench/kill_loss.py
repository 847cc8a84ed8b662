"""How much a SIGKILL loses: the time between the kill and the newest point on disk.

Median over several kills of a process logging every millisecond; the baseline is the same
process calling run.flush() after every log() (the least a kill can lose). Prints JSON.
"""

import json
import os
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
    flush_each = sys.argv[1] == "1"
    print("ready", flush=True)
    while True:
        run.log({"t": time.time()})
        if flush_each:
            run.flush()
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


def loss(flush_each):
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, ".trackside")
        env = dict(os.environ, TRACKSIDE_HOME=home)
        child = subprocess.Popen([sys.executable, "-c", CHILD, "1" if flush_each else "0"],
                                 cwd=tmp, env=env, stdout=subprocess.PIPE, universal_newlines=True)
        child.stdout.readline()
        time.sleep(1.2)
        killed_at = time.time()
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        return killed_at - newest_point(home)


print(json.dumps({
    "loss_s": statistics.median(loss(False) for _ in range(5)),
    "flush_each_loss_s": statistics.median(loss(True) for _ in range(5)),
}))
