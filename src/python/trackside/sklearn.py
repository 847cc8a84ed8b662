"""Evaluating a fitted scikit-learn estimator into a run, in one call.

    from trackside.sklearn import log_evaluation
    log_evaluation(run, model, X_test, y_test)            # metrics under "test/..."

Classifiers: accuracy, precision, recall, f1 (binary: of the second class in classes_;
more classes: averaged weighted by support), roc_auc (more classes: one-vs-rest, weighted),
log_loss; a confusion matrix, ROC and precision-recall curves as images. Regressors: r2,
mae, rmse and a predicted-vs-actual plot. Plots need matplotlib; without it the metrics are
logged alone, with a note on stderr. The estimator's get_params() become "estimator/..."
params. X (a DataFrame or an array) is written with y as a CSV into the run folder
(files/datasets/) and logged with log_dataset, which records its hash and column summaries.

Importing this module imports scikit-learn; `import trackside` alone never does.
"""

import csv
import math
import os
import re
import sys

try:
    import numpy as np
    from sklearn import metrics as _m
    from sklearn.base import is_classifier, is_regressor
    from sklearn.preprocessing import label_binarize
except ImportError as e:
    raise ImportError("trackside.sklearn needs scikit-learn: apt-get install python3-sklearn, "
                      "or pip install scikit-learn ({})".format(e)) from e

from .blobs import hash_file
from .start import current_run, init
from .values import param_value

MAX_PARAM_TEXT = 250  # a long repr (a callable, a list of objects) is cut here


def log_evaluation(run, estimator, X, y, prefix="test", step=None, params=True, dataset=True, plots=True):
    """Logs how a fitted classifier or regressor does on (X, y); returns {metric key: value}.

    `run` None means the current run (starting one if there is none). Metric keys are
    "<prefix>/<metric>", images "<prefix>/<plot>", all at `step` (default: each counts up).
    """
    if run is None:
        run = current_run() or init()
    if is_classifier(estimator):
        values, figures = _classifier(estimator, X, y, plots)
    elif is_regressor(estimator):
        values, figures = _regressor(estimator, X, y, plots)
    else:
        raise TypeError("trackside: log_evaluation needs a fitted classifier or regressor, got {}".format(
            type(estimator).__name__))
    if params:
        run.log_params(estimator_params(estimator))
    keyed = {_key(prefix, k): v for k, v in values.items()}
    run.log(keyed, step=step)
    for name, make in figures:
        figure = make()
        if figure is not None:
            run.log_image(_key(prefix, name), figure, step=step)
    if dataset:
        _log_data(run, estimator, X, y, prefix)
    return keyed


def estimator_params(estimator):
    """get_params(deep=True) as "estimator/<name>" params, with "estimator/class"; nested
    estimators are left out (their own parameters are among the deep ones)."""
    out = {"estimator/class": type(estimator).__name__}
    for name, value in sorted(estimator.get_params(deep=True).items()):
        if _holds_estimator(value):
            continue
        value = param_value(value)
        if isinstance(value, str) and len(value) > MAX_PARAM_TEXT:
            value = value[:MAX_PARAM_TEXT - 3] + "..."
        out["estimator/" + name] = value
    return out


def _holds_estimator(value):
    if hasattr(value, "get_params") and not isinstance(value, type):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_estimator(v) for v in value)
    return False


def _key(prefix, name):
    return "{}/{}".format(prefix, name) if prefix else name


# Classifiers

def _classifier(estimator, X, y, plots):
    y = np.asarray(y)
    predicted = estimator.predict(X)
    classes = getattr(estimator, "classes_", None)
    classes = np.unique(y) if classes is None else np.asarray(classes)
    binary = len(classes) == 2
    average = {"average": "binary", "pos_label": classes[1]} if binary else {"average": "weighted"}
    values = {
        "accuracy": _m.accuracy_score(y, predicted),
        "precision": _m.precision_score(y, predicted, zero_division=0, **average),
        "recall": _m.recall_score(y, predicted, zero_division=0, **average),
        "f1": _m.f1_score(y, predicted, zero_division=0, **average),
    }
    proba = estimator.predict_proba(X) if hasattr(estimator, "predict_proba") else None
    scores = proba
    if scores is None and hasattr(estimator, "decision_function"):
        scores = estimator.decision_function(X)
    if scores is not None and binary and scores.ndim == 2:
        scores = scores[:, 1]
    if scores is not None and (binary or proba is not None):
        _try(values, "roc_auc", lambda: _m.roc_auc_score(y, scores) if binary else _m.roc_auc_score(
            y, proba, multi_class="ovr", average="weighted", labels=classes))
    if proba is not None:
        _try(values, "log_loss", lambda: _m.log_loss(y, proba, labels=classes))
    figures = []
    if plots and _matplotlib():
        figures.append(("confusion_matrix", lambda: _confusion_figure(y, predicted, classes)))
        if scores is not None:
            figures.append(("roc", lambda: _curves_figure(y, scores, classes, "roc")))
            figures.append(("precision_recall", lambda: _curves_figure(y, scores, classes, "pr")))
    return {k: float(v) for k, v in values.items()}, figures


def _try(values, name, compute):
    try:
        values[name] = compute()
    except ValueError as e:  # e.g. one class only in y
        sys.stderr.write("trackside: log_evaluation left out {}: {}\n".format(name, e))


def _curves(y, scores, classes):
    """(label, truth 0/1, score) per curve: one for two classes, one per class (vs the rest) else."""
    if len(classes) == 2:
        return [(str(classes[1]), (y == classes[1]).astype(int), scores)]
    truth = label_binarize(y, classes=classes)
    return [(str(c), truth[:, i], scores[:, i]) for i, c in enumerate(classes) if 0 < truth[:, i].sum() < len(y)]


def _curves_figure(y, scores, classes, kind):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5), dpi=100)
    ax = figure.add_subplot()
    for label, truth, score in _curves(y, scores, classes):
        if kind == "roc":
            fpr, tpr, _ = _m.roc_curve(truth, score)
            ax.plot(fpr, tpr, label="{} (AUC {:.3f})".format(label, _m.auc(fpr, tpr)))
        else:
            precision, recall, _ = _m.precision_recall_curve(truth, score)
            ax.plot(recall, precision, label="{} (AP {:.3f})".format(label, _m.average_precision_score(truth, score)))
    if kind == "roc":
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey")
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    else:
        ax.set(xlabel="recall", ylabel="precision", title="Precision-recall")
    ax.legend(loc="lower right" if kind == "roc" else "lower left", fontsize="small")
    figure.tight_layout()
    return figure


def _confusion_figure(y, predicted, classes):
    from matplotlib.figure import Figure

    matrix = _m.confusion_matrix(y, predicted, labels=classes)
    size = min(3 + 0.4 * len(classes), 12)
    figure = Figure(figsize=(size, size), dpi=100)
    ax = figure.add_subplot()
    ax.imshow(matrix, cmap="Blues")
    labels = [str(c) for c in classes]
    ax.set_xticks(range(len(labels)), labels=labels, rotation=45 if len(labels) > 4 else 0)
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix")
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(col, row, str(count), ha="center", va="center",
                color="white" if count > matrix.max() / 2 else "black")
    figure.tight_layout()
    return figure


# Regressors

def _regressor(estimator, X, y, plots):
    y = np.asarray(y)
    predicted = estimator.predict(X)
    values = {"r2": _m.r2_score(y, predicted), "mae": _m.mean_absolute_error(y, predicted),
              "rmse": math.sqrt(_m.mean_squared_error(y, predicted))}
    figures = []
    if plots and _matplotlib() and y.ndim == 1:
        figures.append(("predicted_vs_actual", lambda: _scatter_figure(y, predicted)))
    return {k: float(v) for k, v in values.items()}, figures


def _scatter_figure(y, predicted):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5), dpi=100)
    ax = figure.add_subplot()
    ax.scatter(y, predicted, s=8, alpha=0.6)
    lo, hi = float(min(y.min(), predicted.min())), float(max(y.max(), predicted.max()))
    ax.plot([lo, hi], [lo, hi], linestyle="--", color="grey")
    ax.set(xlabel="actual", ylabel="predicted", title="Predicted vs actual")
    figure.tight_layout()
    return figure


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        sys.stderr.write("trackside: log_evaluation logged metrics without plots: matplotlib is not installed "
                         "(apt-get install python3-matplotlib, or pip install matplotlib)\n")
        return False
    return True


# The data

def _log_data(run, estimator, X, y, prefix):
    table = _table(estimator, X, y)
    if table is None:
        sys.stderr.write("trackside: log_evaluation logged no dataset: X is neither a DataFrame nor a 2-D array\n")
        return
    header, rows = table
    folder = os.path.join(run.dir, "files", "datasets")
    os.makedirs(folder, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", prefix or "data").strip("._") or "data"
    tmp = os.path.join(folder, ".{}.{}.tmp".format(stem, os.getpid()))
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    # Named by content: evaluating on the same data again (each epoch, say) logs it once.
    path = os.path.join(folder, "{}-{}.csv".format(stem, hash_file(tmp)[0][:12]))
    if os.path.exists(path):
        os.unlink(tmp)
        return
    os.replace(tmp, path)
    run.log_dataset(path, name=prefix or "data")


def _table(estimator, X, y):
    """(header, rows) of X with y as the last column(s), or None for other inputs (sparse, 1-D)."""
    if hasattr(X, "columns") and hasattr(X, "itertuples"):  # a pandas DataFrame
        names = [str(c) for c in X.columns]
        rows = X.itertuples(index=False, name=None)
    else:
        if hasattr(X, "toarray") or hasattr(X, "tocsr"):  # sparse: not worth a dense CSV
            return None
        array = np.asarray(X)
        if array.ndim != 2:
            return None
        known = getattr(estimator, "feature_names_in_", None)
        names = [str(n) for n in known] if known is not None and len(known) == array.shape[1] else [
            "x{}".format(i) for i in range(array.shape[1])]
        rows = array.tolist()
    target = np.asarray(y)
    if target.ndim == 1:
        targets = [str(getattr(y, "name", None) or "target")]
        columns = [target.tolist()]
    else:
        targets = ["target_{}".format(i) for i in range(target.shape[1])]
        columns = target.T.tolist()
    for i, name in enumerate(targets):
        while name in names:
            name += "_"
        targets[i] = name
    return names + targets, (list(row) + [c[i] for c in columns] for i, row in enumerate(rows))
