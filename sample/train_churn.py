"""Trains a churn model on synthetic customer data and logs it as a model version.

    PYTHONPATH=src/python /usr/bin/python3 sample/train_churn.py --alias production

Logs the training data (with per-column summaries, the reference for data drift), the
validation metrics, and the model: the pickled pipeline as weights, churn_inference.py as
the inference code that must ship with it. Evaluate it later with sample/evaluate.py.
"""

import argparse
import os
import pickle
import sys
import tempfile

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import trackside

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import churn_data  # noqa: E402
import churn_inference  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default="data", help="where the generated CSV goes")
    parser.add_argument("--model", default="churn", help="model name")
    parser.add_argument("--alias", default=None, help="point this alias (e.g. production) at the new version")
    args = parser.parse_args()

    os.makedirs(args.data_dir, exist_ok=True)
    train_csv = os.path.join(args.data_dir, "churn-train.csv")
    churn_data.write_csv(train_csv, churn_data.generate(args.rows, args.seed))

    run = trackside.init(experiment="churn-training", params=vars(args), tags=["sample", "model"])
    run.log_dataset(train_csv, name="customers")
    rows = churn_inference.read_csv(train_csv)
    x, y = churn_inference.features(rows), churn_inference.labels(rows)
    split = int(len(rows) * 0.8)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=args.c, max_iter=1000))
    model.fit(x[:split], y[:split])
    proba = model.predict_proba(x[split:])[:, 1]
    run.log({"val/auc": roc_auc_score(y[split:], proba), "val/accuracy": accuracy_score(y[split:], proba > 0.5),
             "val/log_loss": log_loss(y[split:], proba)})

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pkl")
        with open(path, "wb") as f:
            pickle.dump(model, f)
        version = run.log_model(path, args.model, inference_code=[os.path.join(HERE, "churn_inference.py")],
                                metadata={"threshold": 0.5, "features": 6, "algorithm": "logistic regression"})
    run.finish()
    if args.alias:
        trackside.models.set_alias(args.model, args.alias, version)
    print("{} v{} from run {}".format(args.model, version, run.id))


if __name__ == "__main__":
    main()
