"""Shared helpers: a fresh temp dir per test, strict event-log reading, subprocesses."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLIENT_PATH = os.path.join(REPO, "src", "python")


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
    env["PYTHONPATH"] = CLIENT_PATH
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
