"""Signals at random moments (a fixed seed): SIGTERM and Ctrl-C lose nothing already logged,
and a SIGKILL loses at most the last 0.5 s of logging, as a maximum."""

import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import time
import unittest

from support import TempDirTest, client_env, metric_points, of_type, read_events

# A tight logging loop (faster than the writer can format, so log() meets its backlog) that
# publishes, after each log() returns, how many calls returned and the time of the newest
# one, in a shared mapping that outlives the process.
LOGGER = textwrap.dedent("""
    import mmap, struct, sys, time, trackside
    with open(sys.argv[1], "r+b") as f:
        shared = mmap.mmap(f.fileno(), 16)
    run = trackside.init()
    print("ready", flush=True)
    i = 0
    while True:
        t = time.time()
        run.log({"i": i, "t": t})
        i += 1
        shared[:16] = struct.pack("<qd", i, t)
""")


@unittest.skipIf(sys.platform == "win32", "POSIX signals")
class Signals(TempDirTest):
    def start_logger(self, n):
        home = os.path.join(self.tmp, "h{}".format(n))
        counter = os.path.join(self.tmp, "counter{}".format(n))
        with open(counter, "wb") as f:
            f.write(b"\0" * 16)
        child = subprocess.Popen([sys.executable, "-c", LOGGER, counter], cwd=self.tmp,
                                 env=client_env(TRACKSIDE_HOME=home), stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, universal_newlines=True)
        self.addCleanup(child.kill)
        self.assertEqual(child.stdout.readline().strip(), "ready")
        child.stdout.close()
        return child, home, counter

    def published(self, counter):
        with open(counter, "rb") as f:
            return struct.unpack("<qd", f.read(16))

    def folder(self, home):
        runs = os.path.join(home, "runs")
        (name,) = os.listdir(runs)
        return os.path.join(runs, name)

    def signal_at_random_moments(self, signum, seed, times=8):
        rng = random.Random(seed)
        for n in range(times):
            child, home, counter = self.start_logger(n)
            time.sleep(rng.uniform(0.05, 1.2))  # the random moment, not a wait for something
            child.send_signal(signum)
            child.wait(timeout=60)
            returned, _ = self.published(counter)
            events = read_events(self.folder(home))  # ends with a whole line
            steps = [step for step, _ in metric_points(events)["i"]]
            # Every call that returned is on disk (one more if the signal came after log()
            # returned but before the count was published), in order, nothing missing.
            self.assertIn(len(steps), (returned, returned + 1), "kill {}".format(n))
            self.assertEqual(steps, list(range(len(steps))), "kill {}".format(n))
            self.assertEqual([s["status"] for s in of_type(events, "status")], ["running", "stopped"])

    def test_sigterm_at_random_moments_loses_nothing_logged(self):
        self.signal_at_random_moments(signal.SIGTERM, seed=2)

    def test_ctrl_c_at_random_moments_loses_nothing_logged(self):
        self.signal_at_random_moments(signal.SIGINT, seed=3)

    def test_sigterm_while_asking_the_writer_for_rounds_never_hangs(self):
        # flush() after every log(): the main thread is nearly always asking the writer for a
        # round or waiting for one, where a handler asking again once deadlocked.
        code = textwrap.dedent("""
            import trackside
            run = trackside.init()
            print("ready", flush=True)
            i = 0
            while True:
                run.log({"i": i})
                i += 1
                run.flush()
        """)
        rng = random.Random(5)
        for n in range(25):
            home = os.path.join(self.tmp, "f{}".format(n))
            child = subprocess.Popen([sys.executable, "-c", code], cwd=self.tmp, env=client_env(TRACKSIDE_HOME=home),
                                     stdout=subprocess.PIPE, universal_newlines=True)
            self.addCleanup(child.kill)
            self.assertEqual(child.stdout.readline().strip(), "ready")
            child.stdout.close()
            time.sleep(rng.uniform(0.02, 0.3))
            child.send_signal(signal.SIGTERM)
            self.assertEqual(child.wait(timeout=20), -signal.SIGTERM, "kill {}".format(n))
            events = read_events(self.folder(home))
            steps = [step for step, _ in metric_points(events).get("i", [])]
            self.assertEqual(steps, list(range(len(steps))))
            self.assertEqual([s["status"] for s in of_type(events, "status")], ["running", "stopped"])

    def test_sigkill_at_random_moments_loses_at_most_the_last_half_second(self):
        rng = random.Random(4)
        lost = []
        for n in range(10):
            child, home, counter = self.start_logger(n)
            started = time.time()
            time.sleep(rng.uniform(0.3, 1.5))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=60)
            returned, newest_logged = self.published(counter)
            points = metric_points(read_events(self.folder(home), allow_torn=True))
            steps = [step for step, _ in points.get("i", [])]
            self.assertEqual(steps, list(range(len(steps))))
            newest_on_disk = max([t for _, t in points.get("t", [])] or [started])
            # The logging lost is what was logged after the newest point on disk.
            lost.append(newest_logged - newest_on_disk)
        self.assertLessEqual(max(lost), 0.5, sorted(lost))
