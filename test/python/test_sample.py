"""The sample scripts run end to end and log what they promise."""

import hashlib
import importlib.util
import os
import subprocess
import sys

from support import REPO, TempDirTest, client_env, metric_points, of_type, read_events

HAS_SKLEARN = all(importlib.util.find_spec(m) for m in ("sklearn", "matplotlib"))


class Samples(TempDirTest):
    def run_sample(self, script, *args):
        done = subprocess.run(
            [sys.executable, os.path.join(REPO, "sample", script)] + list(args), cwd=self.tmp,
            env=client_env(TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside")), timeout=120,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        runs = os.path.join(self.tmp, ".trackside", "runs")
        (run_id,) = os.listdir(runs)
        return read_events(os.path.join(runs, run_id))

    def test_train(self):
        if not HAS_SKLEARN:
            self.skipTest("scikit-learn and matplotlib are not installed for this interpreter")
        events = self.run_sample("train.py", "--epochs", "3", "--lr", "0.05")
        start = of_type(events, "run")[0]
        self.assertEqual((start["params"]["epochs"], start["params"]["lr"]), (3, 0.05))
        points = metric_points(events)
        for key in ("train/loss", "val/loss", "train/acc", "val/acc"):
            self.assertEqual([step for step, _ in points[key]], [0, 1, 2], key)
        self.assertEqual([e.get("epoch") for e in of_type(events, "metrics")][:3], [0, 1, 2])
        self.assertGreater(points["val/acc"][-1][1], 0.8)
        images = {e["key"]: e for e in of_type(events, "image")}
        self.assertEqual(sorted(images), ["confusion_matrix", "roc"])
        self.assertTrue(all(e["format"] == "png" and e["width"] > 0 for e in images.values()))
        (model,) = of_type(events, "artifact")
        self.assertEqual((model["name"], model["kind"]), ("model.pkl", "model"))
        (dataset,) = of_type(events, "dataset")
        with open(dataset["path"], "rb") as f:
            self.assertEqual(dataset["hash"], hashlib.sha256(f.read()).hexdigest())
        self.assertEqual([e["path"] for e in of_type(events, "code")[0]["files"]], ["train.py"])
        self.assertEqual(events[-1]["status"], "finished")

    def test_long_train(self):
        events = self.run_sample("long_train.py", "--steps", "5", "--interval", "0.01")
        self.assertEqual([step for step, _ in metric_points(events)["loss"]], [0, 1, 2, 3, 4])
        self.assertEqual(events[-1]["status"], "finished")
