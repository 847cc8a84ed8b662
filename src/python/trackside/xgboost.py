"""An XGBoost training callback that records a Trackside run.

    from trackside.xgboost import TracksideCallback
    booster = xgb.train(params, dtrain, evals=[(dtrain, "train"), (dvalid, "valid")],
                        callbacks=[TracksideCallback(log_model=True)])

Per boosting round (step = round): every metric of every eval set as "<set>-<metric>"
(train-logloss, valid-auc, ...; xgb.cv gives "<set>-<metric>-mean" and "-std"). At the start:
the booster's parameters from its configuration. At the end: best_iteration and best_score
(early stopping's when it ran, else those of the metric it would watch: the last metric of
the last eval set), the model file when log_model is set, and feature importance as an image
(with matplotlib) and as a CSV artifact (kind "table").

Importing this module imports xgboost (the callback must subclass its TrainingCallback);
`import trackside` alone never does.
"""

import csv
import io
import json
import os
import struct
import sys
import tempfile

try:
    import xgboost as _xgb
except ImportError as e:
    raise ImportError("trackside.xgboost needs XGBoost: apt-get install python3-xgboost, "
                      "or pip install xgboost ({})".format(e)) from e

from .start import current_run, init

IMPORTANCE_TYPES = ("weight", "gain", "cover", "total_gain", "total_cover")
# The metrics XGBoost's early stopping maximizes when not told (its own list).
_MAXIMIZED = ("auc", "aucpr", "map", "ndcg", "auc@", "aucpr@", "map@", "ndcg@")


class TracksideCallback(_xgb.callback.TrainingCallback):
    """`run` defaults to the current run (starting one if there is none).

    log_model: False, True (the booster as an artifact of kind "model", saved as
    model_file), or a model name to register a version of (run.log_model).
    importance: log feature importance at the end (needs a tree booster).
    """

    def __init__(self, run=None, log_model=False, model_file="model.json", importance=True):
        super().__init__()
        self._run = run
        self.log_model = log_model
        self.model_file = model_file
        self.importance = importance
        self._history = {}  # XGBoost's own evaluation log, {set: {metric: [scores]}}, updated in place
        self._epoch = 0  # of the round begun last
        self._seen = 0  # scores in the log when a round was last logged
        self._start = 0  # rounds the booster had before: training may continue a model

    @property
    def run(self):
        if self._run is None:
            self._run = current_run() or init()
        return self._run

    # XGBClassifier keeps its callbacks as a parameter, so clone() deep-copies them and pickling
    # the model pickles them: a copy logs into the same run; a pickle keeps only the settings.
    def __deepcopy__(self, memo):
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__, _history={})
        return copied

    def __getstate__(self):
        return dict(self.__dict__, _run=None, _history={})

    def before_training(self, model):
        self._start = model.num_boosted_rounds() if hasattr(model, "num_boosted_rounds") else 0
        self._history, self._epoch, self._seen = {}, 0, 0
        params = booster_params(model)
        if params:
            self.run.log_params(params)
        return model

    # XGBoost asks its callbacks in turn and stops asking once one says stop, in no set order:
    # the round early stopping ends on may never reach after_iteration here. XGBoost's log is
    # the same object every call, so after_training logs a round it holds that was not logged.

    def before_iteration(self, model, epoch, evals_log):
        self._history, self._epoch = evals_log, int(epoch)
        return False

    def after_iteration(self, model, epoch, evals_log):
        self._history, self._epoch = evals_log, int(epoch)
        self._log_round()
        return False

    def _log_round(self):
        values = {}
        for data, metrics in self._history.items():
            for metric, scores in metrics.items():
                if not scores:
                    continue
                score = scores[-1]
                if isinstance(score, tuple):  # xgb.cv: (mean, std) over the folds
                    values["{}-{}-mean".format(data, metric)] = float(score[0])
                    values["{}-{}-std".format(data, metric)] = float(score[1])
                else:
                    values["{}-{}".format(data, metric)] = float(score)
        if values:
            self.run.log(values, step=self._start + self._epoch)
        self._seen = _count(self._history)

    def after_training(self, model):
        if _count(self._history) > self._seen:
            self._log_round()
        if not hasattr(model, "save_model"):  # xgb.cv hands over its folds, not a booster
            return model
        self._log_best(model)
        if self.importance:
            self._log_importance(model)
        if self.log_model:
            self._save_model(model)
        self.run.flush()
        return model

    def _log_best(self, model):
        attrs = model.attributes()
        if attrs.get("best_score") is not None:  # set by early stopping
            iteration, score = int(attrs["best_iteration"]), float(attrs["best_score"])
            metric = _metric_with(self._history, iteration - self._start, score)
        else:
            found = _best_of_watched(self._history)
            if found is None:
                return
            metric, index, score = found
            iteration = self._start + index
        self.run.log({"best_iteration": iteration, "best_score": score})
        if metric is not None:
            self.run.log_params({"best_metric": metric})

    def _log_importance(self, model):
        try:
            scores = {kind: model.get_score(importance_type=kind) for kind in IMPORTANCE_TYPES}
        except (ValueError, _xgb.core.XGBoostError):  # a linear booster has no trees to score
            return
        features = sorted(set().union(*scores.values()), key=lambda f: -scores["gain"].get(f, 0.0))
        if not features:
            return
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerow(("feature",) + IMPORTANCE_TYPES)
        for f in features:
            writer.writerow([f] + [repr(float(scores[kind].get(f, 0.0))) for kind in IMPORTANCE_TYPES])
        _emit_artifact(self.run, "feature_importance.csv", "table", table.getvalue().encode("utf-8"))
        figure = _importance_figure([(f, scores["gain"].get(f, 0.0)) for f in features])
        if figure is not None:
            self.run.log_image("feature_importance", figure)

    def _save_model(self, model):
        if not isinstance(self.log_model, str):
            raw = model.save_raw(raw_format="ubj" if self.model_file.endswith(".ubj") else "json")
            _emit_artifact(self.run, os.path.basename(self.model_file), "model", bytes(raw))
            return
        with tempfile.TemporaryDirectory() as tmp:  # a registered version is made from a file
            path = os.path.join(tmp, os.path.basename(self.model_file))
            model.save_model(path)
            self.run.log_model(path, self.log_model)


def _emit_artifact(run, name, kind, data):
    # Made in memory: no file to name as the source.
    digest, size = run.blobs.put_bytes(data)
    run._emit({"type": "artifact", "name": name, "kind": kind, "hash": digest, "size": size})


def _count(history):
    return sum(len(scores) for metrics in history.values() for scores in metrics.values())


def booster_params(model):
    """{name: value} of every training parameter in a booster's configuration (numbers as
    numbers, single-precision noise such as 0.100000001 read back as 0.1)."""
    booster = model if hasattr(model, "save_config") else _first_fold(model)
    if booster is None:
        return {}
    params = {}

    def walk(node):
        for key, value in node.items():
            if not isinstance(value, dict):
                continue
            if key.endswith("_param") and not key.endswith("_model_param"):
                for name, text in value.items():
                    params.setdefault(name, _value(text))
            else:
                walk(value)

    walk(json.loads(booster.save_config()).get("learner", {}))
    return dict(sorted(params.items()))


def _first_fold(model):
    folds = getattr(model, "cvfolds", None)
    return getattr(folds[0], "bst", None) if folds else None


def _value(text):
    if not isinstance(text, str):
        return text
    try:
        number = int(text)
        return number
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    try:
        single = struct.pack("<f", number)
    except OverflowError:
        return number
    for digits in range(1, 10):  # the shortest decimal with the same single-precision value
        short = float("%.*g" % (digits, number))
        if struct.pack("<f", short) == single:
            return short
    return number


def _best_of_watched(evals_log):
    """(name, index, score) of the best score of the last metric of the last eval set."""
    if not evals_log:
        return None
    data = list(evals_log)[-1]
    if not evals_log[data]:
        return None
    metric = list(evals_log[data])[-1]
    scores = [s[0] if isinstance(s, tuple) else s for s in evals_log[data][metric]]
    if not scores:
        return None
    maximize = metric != "mape" and metric.startswith(_MAXIMIZED)
    pick = max if maximize else min
    index = pick(range(len(scores)), key=lambda i: (scores[i], -i) if maximize else (scores[i], i))
    return "{}-{}".format(data, metric), index, float(scores[index])


def _metric_with(evals_log, index, score):
    """The "<set>-<metric>" whose score at index is `score` (the one early stopping watched)."""
    for data in reversed(list(evals_log)):
        for metric in reversed(list(evals_log[data])):
            scores = evals_log[data][metric]
            if 0 <= index < len(scores) and not isinstance(scores[index], tuple) and float(scores[index]) == score:
                return "{}-{}".format(data, metric)
    return None


def _importance_figure(pairs, top=20):
    if "matplotlib" not in sys.modules:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            sys.stderr.write("trackside: feature importance logged as a table only (matplotlib is not installed)\n")
            return None
    from matplotlib.figure import Figure

    pairs = pairs[:top][::-1]
    figure = Figure(figsize=(6, 0.3 * len(pairs) + 1.2), dpi=100)
    ax = figure.add_subplot()
    ax.barh(range(len(pairs)), [score for _, score in pairs])
    ax.set_yticks(range(len(pairs)), labels=[name for name, _ in pairs])
    ax.set_xlabel("gain")
    ax.set_title("Feature importance")
    figure.tight_layout()
    return figure
