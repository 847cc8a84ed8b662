"""The model samples end to end: train and register, evaluate on shifted data, fetch."""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys

from support import REPO, TempDirTest, client_env, of_type, read_events

HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


class ModelSamples(TempDirTest):
    def setUp(self):
        super().setUp()
        if not HAS_SKLEARN:
            self.skipTest("scikit-learn is not installed for this interpreter")
        self.root = os.path.join(self.tmp, ".trackside")

    def sample(self, script, *args):
        done = subprocess.run(
            [sys.executable, os.path.join(REPO, "sample", script)] + list(args), cwd=self.tmp,
            env=client_env(TRACKSIDE_HOME=self.root), timeout=120,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    def events_of(self, name):
        runs = os.path.join(self.root, "runs")
        for run_id in sorted(os.listdir(runs)):
            events = read_events(os.path.join(runs, run_id))
            if any(e.get("name") == name for e in of_type(events, "run")):
                return events
        raise AssertionError("no run named " + name)

    def test_train_evaluate_and_fetch(self):
        import trackside

        self.assertIn("churn v1", self.sample("train_churn.py", "--alias", "production", "--rows", "2000"))
        base = self.sample("evaluate.py", "--month", "2024-01", "--shift", "0", "--rows", "2000")
        worse = self.sample("evaluate.py", "--month", "2024-02", "--shift", "1", "--rows", "2000")
        auc = [float(out.split("auc ")[1].split(",")[0]) for out in (base, worse)]
        self.assertGreater(auc[0], 0.75)
        self.assertLess(auc[1], auc[0] * 0.9)

        events = self.events_of("eval-2024-02")
        ref = of_type(events, "model_ref")[0]
        self.assertEqual((ref["name"], ref["version"], ref["ref"]), ("churn", 1, "churn@production"))
        (dataset,) = of_type(events, "dataset")
        self.assertEqual([c["name"] for c in dataset["columns"]],
                         ["tenure", "monthly_charges", "support_calls", "contract", "churn"])

        m = trackside.models.get("churn", alias="production", to=os.path.join(self.tmp, "deploy"))
        with open(m.manifest) as f:
            manifest = json.load(f)
        for f in manifest["files"]:
            with open(os.path.join(m.dir, *f["path"].split("/")), "rb") as data:
                self.assertEqual(hashlib.sha256(data.read()).hexdigest(), f["hash"])
        self.assertEqual([os.path.basename(p) for p in m.code], ["churn_inference.py"])
        self.assertEqual(manifest["datasets"][0]["name"], "customers")
