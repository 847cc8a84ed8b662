"""The read API: trackside.runs() / get_run() over runs the real client recorded, read from
the run folders and from the index the editor builds (read-only), and a stale index."""

import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import types
import unittest
from unittest import mock

from support import run_python
from test_read_query import ingest, node_available

import trackside

RECORD = r"""
import os, trackside
os.makedirs("weights/sub", exist_ok=True)
for path, text in [("model.bin", "MODEL"), ("weights/a.txt", "A"), ("weights/sub/b.txt", "B"),
                   ("data.csv", "x,y\n1,2\n"), ("serve.py", "print('serve')\n"), ("pkg/util.py", "X = 1\n")]:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

a = trackside.init(name="baseline", experiment="mnist", params={"lr": 0.1, "opt": "adam"}, tags=["baseline"])
for step, (loss, acc) in enumerate([(1.0, 0.5), (0.8, 0.6), (0.6, float("nan")), (0.5, 0.7), (0.4, 0.72)]):
    a.log({"loss": loss, "acc": acc}, step=step)
a.log_artifact("model.bin", name="model", kind="model")
a.log_artifact("weights", kind="model")
a.log_dataset("data.csv", name="train")
a.log_code("serve.py", "pkg/util.py")
a.set_note("first")
a.finish()

b = trackside.init(name="tuned", experiment="mnist", params={"lr": 0.01, "opt": "adam"})
b.log({"loss": 0.3, "acc": 0.9}, step=0)
b.log({"loss": 0.2, "acc": 0.95}, step=1)
b.finish()

c = trackside.init(name="broken", experiment="other", params={"lr": 1.0})
c.log({"loss": 9.0}, step=0)
c.finish("failed")
"""


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Recorded(unittest.TestCase):
    """Three runs recorded by the real client in a fresh workspace."""

    use_index = False

    @classmethod
    def setUpClass(cls):
        cls.workspace = os.path.realpath(tempfile.mkdtemp(prefix="trackside-read-"))
        cls.root = os.path.join(cls.workspace, ".trackside")
        done = run_python(RECORD, cls.workspace, TRACKSIDE_HOME=cls.root)
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        if cls.use_index:
            ingest(cls.root)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workspace, ignore_errors=True)

    def setUp(self):
        self.out = os.path.realpath(tempfile.mkdtemp(prefix="trackside-out-"))
        self.addCleanup(shutil.rmtree, self.out, ignore_errors=True)

    def runs(self, **kwargs):
        return trackside.runs(root=self.root, **kwargs)

    def test_runs_newest_first_with_their_fields(self):
        runs = self.runs()
        self.assertEqual([r.name for r in runs], ["broken", "tuned", "baseline"])
        base = runs[2]
        self.assertEqual(base.status, "finished")
        self.assertEqual(base.experiment, "mnist")
        self.assertEqual(base.params, {"lr": 0.1, "opt": "adam"})
        self.assertEqual(base.tags, ["baseline"])
        self.assertEqual(base.note, "first")
        self.assertEqual(runs[0].status, "failed")
        self.assertEqual(base.summary["loss"], {"last": 0.4, "min": 0.4, "max": 1.0, "count": 5})
        self.assertEqual(base.summary["acc"]["max"], 0.72)
        self.assertEqual(base.summary["acc"]["count"], 5)
        self.assertGreater(base.duration, 0)
        self.assertLessEqual(base.started, base.ended)

    def test_where_experiment_order_and_limit(self):
        self.assertEqual([r.name for r in self.runs(where="params.lr < 0.5 and metrics.acc.max >= 0.9")], ["tuned"])
        self.assertEqual([r.name for r in self.runs(where="status:failed or tag:baseline")], ["broken", "baseline"])
        self.assertEqual([r.name for r in self.runs(experiment="mnist", order_by="started")], ["baseline", "tuned"])
        best = self.runs(order_by="-metrics.acc.max", limit=1)
        self.assertEqual([r.name for r in best], ["tuned"])
        self.assertEqual([r.name for r in self.runs(order_by="params.lr")], ["tuned", "baseline", "broken"])
        self.assertEqual([r.name for r in self.runs(order_by="name")], ["baseline", "broken", "tuned"])
        self.assertEqual(self.runs(limit=0), [])
        with self.assertRaises(ValueError):
            self.runs(order_by="colour")
        with self.assertRaises(trackside.QueryError) as caught:
            self.runs(where="params.lr >")
        self.assertEqual(caught.exception.column, 12)

    def test_metrics_as_step_value_time(self):
        base = trackside.get_run("baseline", root=self.root)
        loss = base.metrics("loss")
        self.assertEqual([(s, v) for s, v, _ in loss], [(0, 1.0), (1, 0.8), (2, 0.6), (3, 0.5), (4, 0.4)])
        self.assertTrue(all(abs(t - base.started) < 600 for _, _, t in loss))
        acc = [v for _, v, _ in base.metrics("acc")]
        self.assertTrue(math.isnan(acc[2]))
        with self.assertRaises(KeyError):
            base.metrics("nope")

    def test_metrics_as_a_dataframe_when_pandas_is_there(self):
        base = trackside.get_run("baseline", root=self.root)
        calls = []
        fake = types.ModuleType("pandas")
        fake.DataFrame = lambda rows, columns: calls.append((rows, columns)) or "frame"
        with mock.patch.dict(sys.modules, {"pandas": fake}):
            self.assertEqual(base.metrics("loss", as_dataframe=True), "frame")
        self.assertEqual(calls[0][1], ["step", "value", "time"])
        self.assertEqual(calls[0][0], base.metrics("loss"))
        with mock.patch.dict(sys.modules, {"pandas": None}):
            with self.assertRaisesRegex(ImportError, "needs pandas"):
                base.metrics("loss", as_dataframe=True)

    def test_get_run_by_id_prefix_or_name(self):
        base = trackside.get_run("baseline", root=self.root)
        self.assertEqual(trackside.get_run(base.id, root=self.root).name, "baseline")
        self.assertEqual(trackside.get_run(base.id[:-2], root=self.root).id, base.id)
        with self.assertRaisesRegex(KeyError, "no run matches"):
            trackside.get_run("nothing-like-it", root=self.root)

    def test_artifacts_file_and_folder(self):
        base = trackside.get_run("baseline", root=self.root)
        path = base.artifact_path("model")
        with open(path) as f:
            self.assertEqual(f.read(), "MODEL")
        self.assertTrue(path.startswith(os.path.join(self.root, "blobs", "sha256")))
        with self.assertRaises(IsADirectoryError):
            base.artifact_path("weights")
        with self.assertRaises(KeyError):
            base.artifact_path("missing")
        # A file into a folder, and to a file name.
        into = base.download_artifact("model", self.out)
        self.assertEqual(into, os.path.join(self.out, "model"))
        named = base.download_artifact("model", os.path.join(self.out, "deploy", "model.bin"))
        with open(named) as f:
            self.assertEqual(f.read(), "MODEL")
        folder = base.download_artifact("weights", os.path.join(self.out, "w"))
        with open(os.path.join(folder, "a.txt")) as f:
            self.assertEqual(f.read(), "A")
        with open(os.path.join(folder, "sub", "b.txt")) as f:
            self.assertEqual(f.read(), "B")

    def test_dataset_and_code(self):
        base = trackside.get_run("baseline", root=self.root)
        data = base.dataset("train")
        self.assertEqual(data["hash"], sha(os.path.join(self.workspace, "data.csv")))
        self.assertEqual(data["files"][0]["path"], "data.csv")
        self.assertEqual(sorted(base.code_files), ["pkg/util.py", "serve.py"])
        with open(base.code_path("serve.py")) as f:
            self.assertEqual(f.read(), "print('serve')\n")
        self.assertEqual(sha(base.code_path("./pkg/util.py")), sha(os.path.join(self.workspace, "pkg", "util.py")))
        self.assertEqual(base.code_path("util.py"), base.code_path("pkg/util.py"))
        with self.assertRaises(KeyError):
            base.code_path("train.py")
        with self.assertRaises(KeyError):
            base.dataset("test")


class RecordedFromIndex(Recorded):
    use_index = True

    @classmethod
    def setUpClass(cls):
        if not node_available():
            raise unittest.SkipTest("needs node and the repository's node_modules to build an index")
        super().setUpClass()

    def test_the_index_is_read_not_written(self):
        index = os.path.join(self.root, "index.db")
        before = (sha(index), os.stat(index).st_mtime_ns)
        from trackside import read
        self.assertTrue(read._sources(self.root)[0].from_index)
        for run in self.runs(where="status = finished"):
            run.summary, run.params, run.metrics("loss")
        self.assertEqual((sha(index), os.stat(index).st_mtime_ns), before)


class StaleIndex(unittest.TestCase):
    """Runs the index does not hold yet (or holds an older state of) come from their folders."""

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_new_and_grown_runs_are_read_from_their_folders(self):
        workspace = os.path.realpath(tempfile.mkdtemp(prefix="trackside-stale-"))
        self.addCleanup(shutil.rmtree, workspace, ignore_errors=True)
        root = os.path.join(workspace, ".trackside")
        first = run_python("import trackside\nr = trackside.init(name='old')\nr.log({'x': 1}, step=0)\nr.finish()\n",
                           workspace, TRACKSIDE_HOME=root)
        self.assertEqual(first.returncode, 0, first.stderr)
        ingest(root)
        old = trackside.get_run("old", root=root)
        with open(os.path.join(old.dir, "events.jsonl"), "a") as f:
            f.write(json.dumps({"t": 4102444800000, "type": "rename", "name": "renamed"}) + "\n")
        second = run_python("import trackside\nr = trackside.init(name='new')\nr.log({'x': 5}, step=0)\n"
                            "r.log({'x': 6}, step=1)\nr.finish()\n", workspace, TRACKSIDE_HOME=root)
        self.assertEqual(second.returncode, 0, second.stderr)
        runs = trackside.runs(root=root)
        self.assertEqual([r.name for r in runs], ["new", "renamed"])
        self.assertEqual(runs[0].metrics("x")[-1][:2], (1, 6.0))
        self.assertEqual([r.name for r in trackside.runs(root=root, where="metrics.x.max > 2")], ["new"])
        self.assertEqual([r.name for r in trackside.runs(root=root, order_by="updated")], ["new", "renamed"])


class Unsafe(unittest.TestCase):
    """Paths recorded in a run never choose where download_artifact writes."""

    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="trackside-unsafe-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.root = os.path.join(self.tmp, ".trackside")
        blob = b"payload"
        digest = hashlib.sha256(blob).hexdigest()
        os.makedirs(os.path.join(self.root, "blobs", "sha256", digest[:2]))
        with open(os.path.join(self.root, "blobs", "sha256", digest[:2], digest[2:]), "wb") as f:
            f.write(blob)
        run_dir = os.path.join(self.root, "runs", "20260101-000000-aaaaaa")
        os.makedirs(run_dir)
        events = [{"t": 1, "type": "run", "name": "evil"}]
        for name, path in [("up", "../escaped.txt"), ("abs", "/tmp/escaped.txt"), ("deep", "ok/../../escaped.txt"),
                           ("drive", "C:/escaped.txt"), ("fine", "sub/ok.txt"), ("link", "through/escaped.txt")]:
            events.append({"t": 2, "type": "artifact", "name": name, "kind": "model", "hash": "0" * 64, "size": 7,
                           "files": [{"path": path, "hash": digest, "size": 7}]})
        events.append({"t": 3, "type": "artifact", "name": "../../file-escape", "kind": "file", "hash": digest, "size": 7})
        with open(os.path.join(run_dir, "events.jsonl"), "w") as f:
            f.write("".join(json.dumps(e) + "\n" for e in events))
        self.run_view = trackside.get_run("evil", root=self.root)

    def test_nothing_is_written_outside_dest(self):
        dest = os.path.join(self.tmp, "out", "dest")
        os.makedirs(dest)
        for name in ("up", "abs", "deep", "drive"):
            with self.assertRaises(ValueError, msg=name):
                self.run_view.download_artifact(name, dest)
        os.symlink(self.tmp, os.path.join(dest, "through"))
        with self.assertRaises(ValueError):
            self.run_view.download_artifact("link", dest)
        self.assertEqual(self.run_view.download_artifact("fine", dest), dest)
        self.assertTrue(os.path.isfile(os.path.join(dest, "sub", "ok.txt")))
        written = self.run_view.download_artifact("../../file-escape", dest)
        self.assertEqual(written, os.path.join(dest, "file-escape"))
        for folder, _, files in os.walk(self.tmp):
            self.assertNotIn("escaped.txt", files, folder)
        self.assertFalse(os.path.exists("/tmp/escaped.txt"))

    def test_downloaded_files_have_the_usual_permissions(self):
        old = os.umask(0o022)
        self.addCleanup(os.umask, old)
        dest = os.path.join(self.tmp, "out")
        os.makedirs(dest)
        written = [self.run_view.download_artifact("../../file-escape", dest),
                   os.path.join(self.run_view.download_artifact("fine", os.path.join(dest, "folder")), "sub", "ok.txt")]
        for path in written:
            self.assertEqual(oct(os.stat(path).st_mode & 0o777), oct(0o644), path)

    def test_no_workspace_no_runs(self):
        empty = os.path.join(self.tmp, "none", ".trackside")
        self.assertEqual(trackside.runs(root=empty), [])
        with self.assertRaises(KeyError):
            trackside.get_run("x", root=empty)


if __name__ == "__main__":
    unittest.main()
