"""Several values at one step (per-batch losses logged at step=epoch) are all kept: in the run
folder, in the index the editor builds, through the CLI and the read API."""

import csv
import io
import json
import os
import shutil
import tempfile
import unittest

from support import run_python
from test_read_query import REPO, ingest, node, node_available

import trackside

RECORD = r"""
import trackside
run = trackside.init(name="batches", experiment="repeats")
for epoch in range(5):
    for batch in range(10):
        run.log({"loss": epoch + batch / 10}, step=epoch)
run.finish()
"""

WANT = [(epoch, epoch + batch / 10) for epoch in range(5) for batch in range(10)]


class RepeatedSteps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workspace = os.path.realpath(tempfile.mkdtemp(prefix="trackside-repeats-"))
        cls.root = os.path.join(cls.workspace, ".trackside")
        done = run_python(RECORD, cls.workspace, TRACKSIDE_HOME=cls.root)
        if done.returncode != 0:
            raise AssertionError(done.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workspace, ignore_errors=True)

    def check_read_api(self):
        run = trackside.get_run("batches", root=self.root)
        self.assertEqual([(s, v) for s, v, _ in run.metrics("loss")], WANT)
        self.assertEqual(run.summary["loss"], {"last": 4.9, "min": 0.0, "max": 4.9, "count": 50})

    def test_read_from_the_run_folder(self):
        self.check_read_api()

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_read_from_the_index_and_the_cli(self):
        ingest(self.root)
        self.assertTrue(os.path.exists(os.path.join(self.root, "index.db")))
        self.check_read_api()
        shown = json.loads(node([os.path.join(REPO, "src", "cli.ts"), "show", "batches", "--json"], TRACKSIDE_HOME=self.root))
        loss = [m for m in shown["metrics"] if m["key"] == "loss"][0]
        self.assertEqual(loss["count"], 50)
        text = node([os.path.join(REPO, "src", "cli.ts"), "export", "--run", "batches", "--metrics"], TRACKSIDE_HOME=self.root)
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual([(int(r["step"]), float(r["value"])) for r in rows], WANT)


if __name__ == "__main__":
    unittest.main()
