"""Reading run folders directly never crashes, hangs or runs out of memory on what a folder
holds: bad lines are skipped (a line over 16 MB without reading it whole), only regular files
are read, and one broken run folder is reported by path while every other run still lists."""

import json
import os
import subprocess
import sys
import textwrap
import unittest

from support import TempDirTest, client_env

GOOD = [
    {"t": 1000, "type": "run", "name": "good", "source": "client"},
    {"t": 1001, "type": "metrics", "step": 0, "values": {"loss": 0.5}},
    {"t": 1002, "type": "status", "status": "finished"},
]

# Lists every run and reads each one's metrics, in a child with bounded memory (an endless
# read fails there instead of on the machine) and a timeout (a blocking read fails the test).
READER = textwrap.dedent("""
    import json, resource, sys, trackside
    limit = 512 << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = {}
    for r in trackside.runs(root=sys.argv[1]):
        out[r.id] = {"name": r.name, "status": r.status, "summary": r.summary, "cwd": r.cwd,
                     "metrics": {k: [list(p[:2]) for p in r.metrics(k)] for k in r.summary}}
    print(json.dumps(out))
""")


def lines(events):
    return "".join(json.dumps(e) + "\n" for e in events)


class HostileFolders(TempDirTest):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "ts")
        self.make_run("good", lines(GOOD))

    def make_run(self, run_id, events=None):
        folder = os.path.join(self.root, "runs", run_id)
        os.makedirs(folder)
        with open(os.path.join(folder, "meta.json"), "w") as f:
            json.dump({"version": 1, "id": run_id, "created": 1}, f)
        if events is not None:
            with open(os.path.join(folder, "events.jsonl"), "w") as f:
                f.write(events)
        return folder

    def read(self):
        done = subprocess.run([sys.executable, "-c", READER, self.root], cwd=self.tmp, env=client_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        return json.loads(done.stdout), done.stderr

    def assert_good_listed(self, found):
        self.assertEqual(found["good"]["name"], "good")
        self.assertEqual(found["good"]["status"], "finished")
        self.assertEqual(found["good"]["metrics"], {"loss": [[0, 0.5]]})

    def broken_events_file(self, make):
        folder = self.make_run("broken")
        path = os.path.join(folder, "events.jsonl")
        make(path)
        found, err = self.read()
        self.assert_good_listed(found)
        self.assertEqual(found["broken"]["status"], "running")  # listed from meta.json, without events
        self.assertIn(path, err)  # reported by path
        return err

    def test_events_file_is_a_directory(self):
        self.broken_events_file(os.mkdir)

    @unittest.skipUnless(hasattr(os, "mkfifo"), "FIFO")
    def test_events_file_is_a_fifo(self):
        self.assertIn("FIFO", self.broken_events_file(os.mkfifo))

    def test_events_file_is_a_symlink_loop(self):
        self.broken_events_file(lambda path: os.symlink(path, path))

    def test_a_run_folder_that_is_a_symlink_loop(self):
        folder = os.path.join(self.root, "runs", "loop")
        os.symlink(folder, folder)
        found, err = self.read()
        self.assert_good_listed(found)
        self.assertNotIn("loop", found)
        self.assertIn(folder, err)

    @unittest.skipUnless(os.path.exists("/dev/zero"), "/dev/zero")
    def test_events_file_points_at_an_endless_device(self):
        self.assertIn("device", self.broken_events_file(lambda path: os.symlink("/dev/zero", path)))

    @unittest.skipUnless(os.path.exists("/dev/zero"), "/dev/zero")
    def test_meta_json_points_at_an_endless_device(self):
        folder = self.make_run("meta", lines(GOOD))
        os.unlink(os.path.join(folder, "meta.json"))
        os.symlink("/dev/zero", os.path.join(folder, "meta.json"))
        found, _ = self.read()
        self.assert_good_listed(found)
        self.assertEqual(found["meta"]["name"], "good")

    def test_a_600_mb_line_is_skipped_without_being_read_whole(self):
        folder = self.make_run("huge")
        path = os.path.join(folder, "events.jsonl")
        with open(path, "wb") as f:
            f.write(lines(GOOD[:2]).encode())
            f.write(b'{"t":1003,"type":"note","text":"')
            f.seek(600 << 20, os.SEEK_CUR)  # sparse: 600 MB of NUL bytes, next to nothing on disk
            f.write(b'"}\n')
            f.write(lines([{"t": 1004, "type": "metrics", "step": 1, "values": {"loss": 0.25}}, GOOD[2]]).encode())
        self.addCleanup(os.unlink, path)
        found, err = self.read()
        self.assert_good_listed(found)
        self.assertEqual(found["huge"]["metrics"], {"loss": [[0, 0.5], [1, 0.25]]})
        self.assertEqual(found["huge"]["status"], "finished")
        self.assertIn(path, err)
        self.assertIn("16 MB", err)

    def test_numbers_beyond_float_range_and_wrongly_typed_fields(self):
        self.make_run("typed", lines([
            {"t": 1000, "type": "run", "name": "typed", "cwd": {"a": 1}, "script": [1], "host": 5, "pid": "x",
             "command": "not a list", "git": {"commit": {"x": 1}, "branch": [2], "dirty": "yes", "diff": 7},
             "python": {"executable": [1], "version": {}}, "params": {"big": 10 ** 400, "p": {"n": 1}}},
            {"t": 1001, "type": "metrics", "step": 0, "values": {"x": 10 ** 400, "y": -10 ** 400}},
            {"t": 1002, "type": "metrics", "step": 2 ** 70, "values": {"x": 1}},
            {"t": 10 ** 400, "type": "metrics", "step": 10 ** 400, "values": {"x": 2}},
            {"t": 1003, "type": "artifact", "name": "a", "kind": "file", "hash": "a" * 64, "size": 2 ** 70,
             "source": {"x": 1}},
            {"t": 1004, "type": "code", "files": [], "root": [1]},
            {"t": 1005, "type": "tags", "add": [{"a": 1}, "ok", 10 ** 400]},
            {"t": 1006, "type": "note", "text": "fine"},
            {"t": 1007, "type": "status", "status": "failed", "exit_code": 10 ** 400, "error": {"x": 1}},
        ]))
        found, _ = self.read()
        self.assert_good_listed(found)
        typed = found["typed"]
        self.assertEqual((typed["name"], typed["status"], typed["cwd"]), ("typed", "failed", None))
        self.assertEqual(typed["metrics"]["x"][0], [0, float("inf")])  # as JSON.parse reads 1e400
        self.assertEqual(typed["metrics"]["y"], [[0, float("-inf")]])
