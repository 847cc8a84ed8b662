"""The PyTorch and XGBoost samples run end to end (real libraries, CPU) and log what they
promise; counted from the run folder's events.jsonl."""

import importlib.util
import math
import os
import subprocess
import sys
import time
import unittest

from support import REPO, TempDirTest, client_env, metric_points, of_type, read_events


def installed(*modules):
    return all(importlib.util.find_spec(m) for m in modules)


class FrameworkSamples(TempDirTest):
    def run_sample(self, script, *args):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, os.path.join(REPO, "sample", script)] + list(args), cwd=self.tmp,
            env=client_env(TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside")), timeout=120,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertLess(time.monotonic() - started, 60, "{} took a minute or more".format(script))
        runs = os.path.join(self.tmp, ".trackside", "runs")
        (run_id,) = os.listdir(runs)
        return read_events(os.path.join(runs, run_id))

    @unittest.skipUnless(installed("torch", "sklearn"), "torch and scikit-learn are not installed for this "
                                                         "interpreter (python3-torch, python3-sklearn)")
    def test_train_torch(self):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        epochs, batch_size = 3, 64
        events = self.run_sample("train_torch.py", "--epochs", str(epochs), "--batch-size", str(batch_size))
        digits = load_digits()
        train, _ = train_test_split(digits.target, test_size=0.25, random_state=0, stratify=digits.target)
        batches = math.ceil(len(train) / batch_size)
        points = metric_points(events)
        losses = points["train/loss"]
        self.assertEqual(len(losses), batches * epochs)
        self.assertEqual([step for step, _ in losses], [e for e in range(epochs) for _ in range(batches)])
        for key in ("val/loss", "val/acc", "weights/hidden/min", "weights/hidden/mean", "weights/hidden/max"):
            self.assertEqual([step for step, _ in points[key]], list(range(epochs)), key)
        self.assertGreater(points["val/acc"][-1][1], 0.8)
        images = {e["key"]: e for e in of_type(events, "image")}
        self.assertIn("val/examples", images)
        self.assertEqual((images["val/examples"]["width"], images["val/examples"]["height"]), (64, 16))
        if installed("matplotlib"):
            self.assertIn("val/confusion_matrix", images)
        self.assertTrue(all(e["format"] == "png" for e in images.values()))
        hparams = of_type(events, "params")[-1]["values"]
        self.assertEqual(hparams, {"lr": 0.003, "hidden": 64, "batch_size": batch_size, "epochs": epochs, "seed": 0})
        self.assertEqual(points["hparam/val_acc"], [(0, points["val/acc"][-1][1])])
        artifacts = {a["name"]: a["kind"] for a in of_type(events, "artifact")}
        self.assertEqual(artifacts, {"model-step0.md": "text", "histograms.json": "histograms"})
        self.assertEqual(events[-1]["status"], "finished")

    @unittest.skipUnless(installed("xgboost", "sklearn"), "xgboost and scikit-learn are not installed for this "
                                                           "interpreter (python3-xgboost, python3-sklearn)")
    def test_train_xgboost(self):
        events = self.run_sample("train_xgboost.py", "--rounds", "300", "--early-stopping", "10")
        points = metric_points(events)
        keys = ["{}-{}".format(data, metric) for data in ("train", "valid") for metric in ("error", "auc", "logloss")]
        rounds = len(points["valid-logloss"])
        self.assertLess(rounds, 300)  # stopped early
        for key in keys:
            self.assertEqual([step for step, _ in points[key]], list(range(rounds)), key)
        (best,) = points["best_iteration"]
        self.assertEqual(best[1], rounds - 11)  # ten rounds without improvement after the best
        self.assertGreater(points["test/auc"][0][1], 0.9)
        params = {}
        for e in of_type(events, "params"):
            params.update(e["values"])
        self.assertEqual((params["eta"], params["max_depth"], params["best_metric"]), (0.1, 3, "valid-logloss"))
        artifacts = {a["name"]: a["kind"] for a in of_type(events, "artifact")}
        self.assertEqual(artifacts, {"feature_importance.csv": "table", "model.json": "model"})
        if installed("matplotlib"):
            self.assertEqual([e["key"] for e in of_type(events, "image")], ["feature_importance"])
        self.assertEqual(events[-1]["status"], "finished")
