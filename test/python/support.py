"""Shared helpers: a fresh temp dir per test, strict event-log reading, subprocesses, waiting
for a condition with a deadline, small tmpfs mounts."""

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLIENT_PATH = os.path.join(REPO, "src", "python")
# While run.sh measures coverage, child Pythons load the hook that records theirs.
CHILD_PYTHONPATH = os.pathsep.join(
    [CLIENT_PATH] + ([os.path.join(REPO, "test", "python", "coverage_hook")] if os.environ.get("COVERAGE_PROCESS_START") else [])
)


def _reject_constant(name):
    raise ValueError("bare {} in the event log: not strict JSON".format(name))


def read_events(run_dir, allow_torn=False):
    """Every line of events.jsonl, parsed strictly (no NaN/Infinity tokens).

    A last line without its newline is an error unless allow_torn (after a SIGKILL).
    """
    with open(os.path.join(run_dir, "events.jsonl"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    torn = lines.pop()
    if torn and not allow_torn:
        raise AssertionError("events.jsonl ends without a newline: {!r}".format(torn[-80:]))
    return [json.loads(line, parse_constant=_reject_constant) for line in lines]


def of_type(events, kind):
    return [e for e in events if e["type"] == kind]


def metric_points(events):
    """{key: [(step, value), ...]} in log order."""
    points = {}
    for e in of_type(events, "metrics"):
        for key, value in e["values"].items():
            points.setdefault(key, []).append((e["step"], value))
    return points


def client_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKSIDE_")}
    env["PYTHONPATH"] = CHILD_PYTHONPATH
    env.update(extra)
    return env


def run_python(code, cwd, timeout=60, **env):
    """Runs code with the interpreter running the tests and the client on its path."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=client_env(**env), timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
    )


class TempDirTest(unittest.TestCase):
    """Each test runs in its own empty working directory with no TRACKSIDE_* variables."""

    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="trackside-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        old_cwd = os.getcwd()
        os.chdir(self.tmp)
        self.addCleanup(os.chdir, old_cwd)
        env = mock.patch.dict(os.environ)
        env.start()
        self.addCleanup(env.stop)
        for key in [k for k in os.environ if k.startswith("TRACKSIDE_")]:
            del os.environ[key]
        os.environ["TRACKSIDE_HOME"] = os.path.join(self.tmp, ".trackside")

    def new_run(self, **kwargs):
        import trackside

        run = trackside.init(**kwargs)
        self.addCleanup(run.finish)
        return run

    def finished_events(self, run):
        run.finish()
        return read_events(run.dir)

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path


def wait_until(condition, what, timeout=60, every=0.02):
    """Polls condition() until it returns something truthy, which is returned; fails the
    test after `timeout` seconds. Never a fixed sleep: it returns as soon as it holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after {} s waiting for {}".format(timeout, what))
        time.sleep(every)


class Lines:
    """The lines of a child's pipe, read by a thread, so a test can wait for one with a deadline."""

    def __init__(self, stream):
        self.seen = []
        self._queue = queue.Queue()
        thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        thread.start()

    def _read(self, stream):
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate, what, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("timed out waiting for {}; seen {!r}".format(what, self.seen[-5:]))
            if line is None:
                raise AssertionError("the stream ended before {}; seen {!r}".format(what, self.seen[-5:]))
            self.seen.append(line)
            if predicate(line):
                return line

    def rest(self, timeout=60):
        """Every remaining line, once the stream has ended."""
        while True:
            line = self._queue.get(timeout=timeout)
            if line is None:
                return self.seen
            self.seen.append(line)


def mount_tmpfs(test, folder, size):
    """Mounts a tmpfs of `size` (e.g. "2m") on folder for the test, or skips the test when
    this process may not mount (not root, or no mount command)."""
    os.makedirs(folder, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        test.skipTest("cannot mount a tmpfs: {}".format(e))
    if done.returncode != 0:
        test.skipTest("cannot mount a tmpfs: {}".format(done.stdout.decode(errors="replace").strip()))
    # Cleanups run last-in first-out: this one runs before the temp dir is removed.
    test.addCleanup(subprocess.run, ["umount", "-l", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remount(folder, mode):
    """mode "ro" or "rw"."""
    subprocess.run(["mount", "-o", "remount," + mode, folder], check=True)
