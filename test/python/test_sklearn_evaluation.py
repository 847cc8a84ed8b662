"""trackside.sklearn.log_evaluation against the real scikit-learn (Debian: python3-sklearn):
every number equals scikit-learn's own metric function on the same data."""

import io
import math
import sys
import unittest
from unittest import mock

from png_reader import read_png
from support import TempDirTest, metric_points, of_type

try:
    import numpy
    from sklearn import metrics
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
except ImportError:
    metrics = None
try:
    import matplotlib  # noqa: F401
except ImportError:
    matplotlib = None
try:
    import pandas
except ImportError:
    pandas = None


def split(loader):
    x, y = loader(return_X_y=True)
    return train_test_split(x, y, test_size=0.3, random_state=0)


@unittest.skipIf(metrics is None, "scikit-learn is not installed for this interpreter (python3-sklearn)")
class LogEvaluation(TempDirTest):
    def setUp(self):
        super().setUp()
        from trackside.sklearn import log_evaluation

        self.log_evaluation = log_evaluation
        self.run = self.new_run()

    def blob(self, digest):
        with open(self.run.blobs.path(digest), "rb") as f:
            return f.read()

    def logged(self, expected, prefix="test", step=0):
        """The run's metrics are exactly `expected` ({name: value}) under prefix at step."""
        events = self.finished_events(self.run)
        points = metric_points(events)
        got = {k[len(prefix) + 1:]: v for k, v in points.items() if k.startswith(prefix + "/")}
        self.assertEqual(got, {k: [(step, v)] for k, v in expected.items()})
        return events

    def assert_images(self, events, keys, step=0):
        images = {e["key"]: e for e in of_type(events, "image")}
        if matplotlib is None:
            self.assertEqual(images, {})
            return
        self.assertEqual(sorted(images), sorted(keys))
        for image in images.values():
            self.assertEqual((image["format"], image["step"]), ("png", step))
            width, height, _, _ = read_png(self.blob(image["hash"]), pixels=False)
            self.assertEqual((width, height), (image["width"], image["height"]))

    def test_a_binary_classifier(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x_train, y_train)
        returned = self.log_evaluation(self.run, model, x_test, y_test)
        predicted, proba = model.predict(x_test), model.predict_proba(x_test)
        expected = {
            "accuracy": metrics.accuracy_score(y_test, predicted),
            "precision": metrics.precision_score(y_test, predicted),
            "recall": metrics.recall_score(y_test, predicted),
            "f1": metrics.f1_score(y_test, predicted),
            "roc_auc": metrics.roc_auc_score(y_test, proba[:, 1]),
            "log_loss": metrics.log_loss(y_test, proba),
        }
        self.assertEqual(returned, {"test/" + k: v for k, v in expected.items()})
        events = self.logged(expected)
        self.assert_images(events, ["test/confusion_matrix", "test/roc", "test/precision_recall"])

    def test_more_classes_average_weighted_by_support(self):
        x_train, x_test, y_train, y_test = split(load_iris)
        model = LogisticRegression(max_iter=1000).fit(x_train, y_train)
        self.log_evaluation(self.run, model, x_test, y_test, prefix="val", step=4)
        predicted, proba = model.predict(x_test), model.predict_proba(x_test)
        events = self.logged({
            "accuracy": metrics.accuracy_score(y_test, predicted),
            "precision": metrics.precision_score(y_test, predicted, average="weighted"),
            "recall": metrics.recall_score(y_test, predicted, average="weighted"),
            "f1": metrics.f1_score(y_test, predicted, average="weighted"),
            "roc_auc": metrics.roc_auc_score(y_test, proba, multi_class="ovr", average="weighted"),
            "log_loss": metrics.log_loss(y_test, proba),
        }, prefix="val", step=4)
        self.assert_images(events, ["val/confusion_matrix", "val/roc", "val/precision_recall"], step=4)

    def test_text_labels_take_the_second_class_as_positive(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        names = numpy.array(["malignant", "benign"])
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x_train, names[y_train])
        returned = self.log_evaluation(self.run, model, x_test, names[y_test], plots=False)
        predicted = model.predict(x_test)
        self.assertEqual(list(model.classes_), ["benign", "malignant"])
        self.assertEqual(returned["test/recall"], metrics.recall_score(names[y_test], predicted, pos_label="malignant"))
        self.assertEqual(returned["test/roc_auc"], metrics.roc_auc_score(names[y_test], model.predict_proba(x_test)[:, 1]))

    def test_a_classifier_without_probabilities_scores_its_decision_function(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        model = make_pipeline(StandardScaler(), LinearSVC(dual=False)).fit(x_train, y_train)
        returned = self.log_evaluation(self.run, model, x_test, y_test)
        self.assertEqual(returned["test/roc_auc"], metrics.roc_auc_score(y_test, model.decision_function(x_test)))
        self.assertNotIn("test/log_loss", returned)
        self.assert_images(self.finished_events(self.run), ["test/confusion_matrix", "test/roc", "test/precision_recall"])

    def test_a_regressor(self):
        x_train, x_test, y_train, y_test = split(load_diabetes)
        model = Ridge(alpha=0.5).fit(x_train, y_train)
        self.log_evaluation(self.run, model, x_test, y_test)
        predicted = model.predict(x_test)
        events = self.logged({
            "r2": metrics.r2_score(y_test, predicted),
            "mae": metrics.mean_absolute_error(y_test, predicted),
            "rmse": metrics.mean_squared_error(y_test, predicted, squared=False),
        })
        self.assert_images(events, ["test/predicted_vs_actual"])

    def test_params_from_get_params_without_nested_estimators(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.5)).fit(x_train, y_train)
        self.log_evaluation(self.run, model, x_test, y_test, plots=False, dataset=False)
        (params,) = of_type(self.finished_events(self.run), "params")
        values = params["values"]
        self.assertEqual(values["estimator/class"], "Pipeline")
        self.assertEqual(values["estimator/logisticregression__C"], 0.5)
        self.assertIs(values["estimator/standardscaler__with_mean"], True)
        self.assertIsNone(values["estimator/memory"])
        for nested in ("estimator/steps", "estimator/logisticregression", "estimator/standardscaler"):
            self.assertNotIn(nested, values)

    def test_an_array_is_logged_as_a_dataset_once_with_its_column_summaries(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        model = LogisticRegression(max_iter=5000).fit(x_train, y_train)
        for step in range(2):  # the same data each epoch: one dataset
            self.log_evaluation(self.run, model, x_test, y_test, step=step, plots=False)
        (dataset,) = of_type(self.finished_events(self.run), "dataset")
        self.assertEqual(dataset["name"], "test")
        self.assertTrue(dataset["path"].startswith(self.run.dir))
        columns = {c["name"]: c for c in dataset["columns"]}
        self.assertEqual(list(columns), ["x{}".format(i) for i in range(30)] + ["target"])
        self.assertEqual(columns["x0"]["count"], len(y_test))
        self.assertAlmostEqual(columns["x0"]["mean"], float(x_test[:, 0].mean()), places=9)
        self.assertEqual(columns["target"]["max"], 1)

    @unittest.skipIf(pandas is None, "pandas is not installed for this interpreter")
    def test_a_dataframe_keeps_its_column_names(self):
        data = load_iris(as_frame=True)
        model = LogisticRegression(max_iter=1000).fit(data.data, data.target)
        self.log_evaluation(self.run, model, data.data, data.target, plots=False)
        (dataset,) = of_type(self.finished_events(self.run), "dataset")
        self.assertEqual([c["name"] for c in dataset["columns"]], list(data.data.columns) + ["target"])

    def test_without_matplotlib_the_metrics_alone_with_a_note(self):
        x_train, x_test, y_train, y_test = split(load_breast_cancer)
        model = LogisticRegression(max_iter=5000).fit(x_train, y_train)
        blocked = {name: None for name in ("matplotlib", "matplotlib.figure")}
        with mock.patch.dict(sys.modules, blocked), mock.patch("sys.stderr", new_callable=io.StringIO) as err:
            returned = self.log_evaluation(self.run, model, x_test, y_test)
        self.assertIn("matplotlib is not installed", err.getvalue())
        events = self.finished_events(self.run)
        self.assertEqual(of_type(events, "image"), [])
        self.assertEqual(len(returned), 6)
        self.assertTrue(all(math.isfinite(v) for v in returned.values()))

    def test_refuses_what_is_neither_a_classifier_nor_a_regressor(self):
        x, _ = load_iris(return_X_y=True)
        with self.assertRaises(TypeError):
            self.log_evaluation(self.run, KMeans(n_clusters=2, n_init=1).fit(x), x, None)

    def test_no_run_means_the_current_run(self):
        x_train, x_test, y_train, y_test = split(load_diabetes)
        self.log_evaluation(None, Ridge().fit(x_train, y_train), x_test, y_test, plots=False)
        self.assertIn("test/r2", metric_points(self.finished_events(self.run)))
