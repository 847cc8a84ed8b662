"""Logistic regression on scikit-learn's breast-cancer data, trained by SGD epoch by epoch and
tracked with Trackside.

    PYTHONPATH=src/python /usr/bin/python3 sample/train.py --epochs 20 --lr 0.01

Logs params, train/val loss and accuracy per epoch, a confusion matrix and a ROC curve, the
fitted model (kind "model") and the hash of the CSV file the data set is read from.
"""

import argparse
import os
import pickle
import tempfile

import matplotlib

matplotlib.use("Agg")  # no display needed; figures are saved, not shown

import numpy as np  # noqa: E402
import sklearn.datasets  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, roc_auc_score, roc_curve  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import trackside  # noqa: E402

DATA_CSV = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", "breast_cancer.csv")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=0.01, help="SGD step size (eta0)")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 regularisation strength")
    parser.add_argument("--schedule", default="constant", choices=["constant", "invscaling", "adaptive"])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--val-fraction", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default=None)
    parser.add_argument("--experiment", default="breast-cancer")
    return parser.parse_args()


def evaluate(model, x, y):
    proba = model.predict_proba(x)
    return log_loss(y, proba, labels=model.classes_), accuracy_score(y, proba.argmax(axis=1)), proba[:, 1]


def confusion_figure(y_true, y_pred, labels):
    matrix = confusion_matrix(y_true, y_pred)
    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_subplot()
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels=labels)
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Validation confusion matrix")
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(col, row, str(count), ha="center", va="center",
                color="white" if count > matrix.max() / 2 else "black")
    figure.tight_layout()
    return figure


def roc_figure(y_true, score):
    fpr, tpr, _ = roc_curve(y_true, score)
    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_subplot()
    ax.plot(fpr, tpr, label="AUC = {:.3f}".format(roc_auc_score(y_true, score)))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("Validation ROC")
    ax.legend(loc="lower right")
    figure.tight_layout()
    return figure


def main():
    args = parse_args()
    data = sklearn.datasets.load_breast_cancer()
    x_train, x_val, y_train, y_val = train_test_split(
        data.data, data.target, test_size=args.val_fraction, random_state=args.seed, stratify=data.target)
    scaler = StandardScaler().fit(x_train)
    x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)

    run = trackside.init(name=args.name, experiment=args.experiment, params=vars(args),
                         tags=["sample", "sklearn"])
    run.log_params({"data": {"train_size": len(y_train), "val_size": len(y_val),
                             "features": x_train.shape[1]}})
    run.log_dataset(DATA_CSV, name="breast_cancer")
    run.log_code()

    model = SGDClassifier(loss="log_loss", alpha=args.alpha, learning_rate=args.schedule,
                          eta0=args.lr, random_state=args.seed)
    rng = np.random.default_rng(args.seed)
    classes = np.unique(y_train)
    for epoch in range(args.epochs):
        order = rng.permutation(len(y_train))
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            model.partial_fit(x_train[batch], y_train[batch], classes=classes)
        train_loss, train_acc, _ = evaluate(model, x_train, y_train)
        val_loss, val_acc, _ = evaluate(model, x_val, y_val)
        run.log({"train/loss": train_loss, "val/loss": val_loss,
                 "train/acc": train_acc, "val/acc": val_acc}, epoch=epoch)
        print("epoch {:3d}  train/loss {:.4f}  val/loss {:.4f}  val/acc {:.4f}".format(
            epoch, train_loss, val_loss, val_acc), flush=True)

    _, _, val_score = evaluate(model, x_val, y_val)
    run.log({"val/auc": roc_auc_score(y_val, val_score)})
    run.log_image("confusion_matrix", confusion_figure(y_val, model.predict(x_val), data.target_names))
    run.log_image("roc", roc_figure(y_val, val_score))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pkl")
        with open(path, "wb") as f:
            pickle.dump(make_pipeline(scaler, model), f)
        run.log_artifact(path, kind="model")
    run.finish()
    print("run {} in {}".format(run.id, run.dir))


if __name__ == "__main__":
    main()
