"""trackside.xgboost.TracksideCallback against the real XGBoost (Debian: python3-xgboost)."""

import csv
import io
import json
import os
import pickle
import unittest
from unittest import mock

from png_reader import read_png
from support import TempDirTest, metric_points, of_type

try:
    import numpy
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer
except ImportError:
    xgb = None
try:
    import matplotlib  # noqa: F401
except ImportError:
    matplotlib = None


@unittest.skipIf(xgb is None, "xgboost and scikit-learn are not installed for this interpreter (python3-xgboost)")
class XGBoostCallback(TempDirTest):
    @classmethod
    def setUpClass(cls):
        data = load_breast_cancer()
        names = [n.replace(" ", "_") for n in data.feature_names]
        x, y = data.data, data.target
        cls.x_train, cls.y_train, cls.x_valid, cls.y_valid = x[::2], y[::2], x[1::2], y[1::2]
        cls.dtrain = xgb.DMatrix(cls.x_train, cls.y_train, feature_names=names)
        cls.dvalid = xgb.DMatrix(cls.x_valid, cls.y_valid, feature_names=names)
        cls.params = {"objective": "binary:logistic", "eval_metric": ["logloss", "auc", "error"], "max_depth": 3,
                      "eta": 0.3, "nthread": 1, "seed": 0}

    def setUp(self):
        super().setUp()
        from trackside.xgboost import TracksideCallback

        self.TracksideCallback = TracksideCallback
        self.run = self.new_run()

    def train(self, rounds=12, callback=None, **kwargs):
        result = {}
        booster = xgb.train(self.params, self.dtrain, rounds, evals=[(self.dtrain, "train"), (self.dvalid, "valid")],
                            evals_result=result, verbose_eval=False,
                            callbacks=[callback or self.TracksideCallback(run=self.run)], **kwargs)
        return booster, result

    def blob(self, digest):
        with open(self.run.blobs.path(digest), "rb") as f:
            return f.read()

    def test_one_point_per_round_per_metric_equal_to_evals_result(self):
        _, result = self.train(rounds=12)
        points = metric_points(self.finished_events(self.run))
        expected = {"{}-{}".format(data, metric): list(enumerate(scores))
                    for data, metrics in result.items() for metric, scores in metrics.items()}
        self.assertEqual(sorted(expected), ["train-auc", "train-error", "train-logloss",
                                            "valid-auc", "valid-error", "valid-logloss"])
        for key, want in expected.items():
            self.assertEqual(len(want), 12)
            self.assertEqual(points[key], want, key)

    def test_the_round_a_callback_before_it_stops_on_is_logged_too(self):
        # XGBoost stops asking its callbacks once one says stop; their order is a set's.
        class StopAfter(xgb.callback.TrainingCallback):
            def after_iteration(self, model, epoch, evals_log):
                return epoch == 4

        original = xgb.callback.CallbackContainer.__init__

        def in_order(container, callbacks, *args, **kwargs):
            original(container, callbacks, *args, **kwargs)
            container.callbacks = list(callbacks)

        result = {}
        with mock.patch.object(xgb.callback.CallbackContainer, "__init__", in_order):
            xgb.train(self.params, self.dtrain, 50, evals=[(self.dvalid, "valid")], evals_result=result,
                      verbose_eval=False, callbacks=[StopAfter(), self.TracksideCallback(run=self.run)])
        points = metric_points(self.finished_events(self.run))
        self.assertEqual(len(result["valid"]["auc"]), 5)
        self.assertEqual(points["valid-auc"], list(enumerate(result["valid"]["auc"])))

    def test_the_scikit_learn_api_too(self):
        model = xgb.XGBClassifier(n_estimators=6, max_depth=2, n_jobs=1, eval_metric="logloss",
                                  callbacks=[self.TracksideCallback(run=self.run)])
        model.fit(self.x_train, self.y_train, eval_set=[(self.x_train, self.y_train), (self.x_valid, self.y_valid)],
                  verbose=False)
        points = metric_points(self.finished_events(self.run))
        for data, metrics in model.evals_result().items():
            self.assertEqual(points[data + "-logloss"], list(enumerate(metrics["logloss"])))

    def test_a_model_holding_the_callback_can_be_cloned_and_pickled(self):
        from sklearn.base import clone

        callback = self.TracksideCallback(run=self.run, log_model=True)
        model = xgb.XGBClassifier(n_estimators=2, n_jobs=1, callbacks=[callback])
        model.fit(self.x_train, self.y_train, eval_set=[(self.x_valid, self.y_valid)], verbose=False)
        (copied,) = clone(model).get_params()["callbacks"]
        self.assertIs(copied.run, self.run)
        self.assertTrue(copied.log_model)
        (restored,) = pickle.loads(pickle.dumps(model)).get_params()["callbacks"]
        self.assertIsNone(restored._run)  # a run does not travel; the current one is used
        self.assertTrue(restored.log_model)
        clone(model).fit(self.x_train, self.y_train, eval_set=[(self.x_valid, self.y_valid)], verbose=False)
        points = metric_points(self.finished_events(self.run))
        self.assertEqual([s for s, _ in points["validation_0-logloss"]], [0, 1, 0, 1])

    def test_the_booster_parameters_at_the_start(self):
        self.train(rounds=2)
        events = self.finished_events(self.run)
        first_metrics = events.index(of_type(events, "metrics")[0])
        (params,) = [e["values"] for e in events[:first_metrics] if e["type"] == "params"]
        self.assertEqual((params["objective"], params["booster"], params["max_depth"]), ("binary:logistic", "gbtree", 3))
        self.assertEqual(params["eta"], 0.3)  # stored as 0.300000012 in single precision
        self.assertEqual(params["nthread"], 1)
        self.assertNotIn("num_trees", params)  # the model's state, not a parameter

    def test_best_iteration_and_score_from_early_stopping(self):
        booster, result = self.train(rounds=200, early_stopping_rounds=3)
        self.assertLess(booster.num_boosted_rounds(), 200)
        events = self.finished_events(self.run)
        points = metric_points(events)
        self.assertEqual(points["best_iteration"][0][1], booster.best_iteration)
        self.assertEqual(points["best_score"][0][1], booster.best_score)
        # Early stopping watches the last metric of the last eval set.
        self.assertEqual(result["valid"]["error"][booster.best_iteration], booster.best_score)
        self.assertEqual(of_type(events, "params")[-1]["values"], {"best_metric": "valid-error"})

    def test_early_stopping_on_another_metric_is_named(self):
        stop = xgb.callback.EarlyStopping(rounds=3, metric_name="auc", data_name="valid", maximize=True)
        result = {}
        booster = xgb.train(self.params, self.dtrain, 100, evals=[(self.dtrain, "train"), (self.dvalid, "valid")],
                            evals_result=result, verbose_eval=False,
                            callbacks=[stop, self.TracksideCallback(run=self.run)])
        events = self.finished_events(self.run)
        self.assertEqual(metric_points(events)["best_iteration"][0][1], booster.best_iteration)
        self.assertEqual(of_type(events, "params")[-1]["values"], {"best_metric": "valid-auc"})

    def test_best_without_early_stopping_is_the_watched_metric_at_its_best(self):
        self.params = dict(self.params, eval_metric=["logloss", "auc"])  # auc last: maximized
        _, result = self.train(rounds=10)
        points = metric_points(self.finished_events(self.run))
        auc = result["valid"]["auc"]
        self.assertEqual(points["best_score"][0][1], max(auc))
        self.assertEqual(points["best_iteration"][0][1], auc.index(max(auc)))

    def test_continued_training_counts_rounds_on(self):
        booster, _ = self.train(rounds=4, callback=self.TracksideCallback(run=self.new_run()))
        self.train(rounds=3, xgb_model=booster)
        points = metric_points(self.finished_events(self.run))
        self.assertEqual([s for s, _ in points["valid-auc"]], [4, 5, 6])

    def test_log_model_stores_a_booster_that_loads_back(self):
        booster, _ = self.train(rounds=5, callback=self.TracksideCallback(run=self.run, log_model=True))
        (model,) = [a for a in of_type(self.finished_events(self.run), "artifact") if a["kind"] == "model"]
        self.assertEqual(model["name"], "model.json")
        loaded = xgb.Booster(model_file=bytearray(self.blob(model["hash"])))
        numpy.testing.assert_array_equal(loaded.predict(self.dvalid), booster.predict(self.dvalid))

    def test_log_model_with_a_name_registers_a_version(self):
        import trackside

        self.train(rounds=3, callback=self.TracksideCallback(run=self.run, log_model="cancer"))
        events = self.finished_events(self.run)
        (version,) = of_type(events, "model")
        self.assertEqual((version["name"], version["version"]), ("cancer", 1))
        fetched = trackside.models.get("cancer", root=self.run.root)
        self.assertEqual(os.path.basename(fetched.weights), "model.json")
        with open(fetched.weights, encoding="utf-8") as f:
            self.assertIn("learner", json.load(f))

    def test_feature_importance_as_a_table_and_an_image(self):
        booster, _ = self.train(rounds=5)
        events = self.finished_events(self.run)
        (table,) = [a for a in of_type(events, "artifact") if a["name"] == "feature_importance.csv"]
        self.assertEqual(table["kind"], "table")
        rows = list(csv.DictReader(io.StringIO(self.blob(table["hash"]).decode("utf-8"))))
        gain = booster.get_score(importance_type="gain")
        self.assertEqual({r["feature"]: float(r["gain"]) for r in rows}, gain)
        self.assertEqual(rows[0]["feature"], max(gain, key=gain.get))
        weight = booster.get_score(importance_type="weight")
        self.assertEqual({r["feature"]: float(r["weight"]) for r in rows}, weight)
        images = [e for e in of_type(events, "image") if e["key"] == "feature_importance"]
        if matplotlib is None:
            self.assertEqual(images, [])
        else:
            (image,) = images
            self.assertEqual(read_png(self.blob(image["hash"]), pixels=False)[:2], (image["width"], image["height"]))

    def test_cross_validation_logs_mean_and_std(self):
        result = xgb.cv(self.params, self.dtrain, num_boost_round=4, nfold=3, seed=0, as_pandas=False,
                        callbacks=[self.TracksideCallback(run=self.run)])
        points = metric_points(self.finished_events(self.run))
        for key, values in result.items():  # "test-auc-mean": [...]
            self.assertEqual(points[key], list(enumerate(values)), key)

    def test_uses_the_current_run_by_default(self):
        self.train(rounds=2, callback=self.TracksideCallback())
        self.assertIn("valid-auc", metric_points(self.finished_events(self.run)))
