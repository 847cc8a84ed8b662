"""Evaluates a registered model version on fresh data, as a team would each month.

    PYTHONPATH=src/python /usr/bin/python3 sample/evaluate.py --model churn@production --month 2024-03 --shift 0.5
    PYTHONPATH=src/python /usr/bin/python3 sample/evaluate.py --model churn@3 --data data/test.csv

The run records which version it evaluated (churn@production resolved now) and the data
it evaluated on (log_dataset: hash and column summaries). The model is used through the
inference code that was logged with it, from the fetched version, not from this folder.
--shift moves the synthetic customers away from the training data (0: none); --data
evaluates on a CSV that is already there (what "trackside gate --evaluate" passes).
"""

import argparse
import os
import sys

from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

import trackside

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import churn_data  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="churn@production")
    parser.add_argument("--data", default=None, help="evaluate on this CSV instead of generating one")
    parser.add_argument("--month", default=None, help="label of the evaluation data (default: the --data file's name, else 2024-01)")
    parser.add_argument("--shift", type=float, default=0.0)
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", default="data", help="where the generated CSV goes")
    args = parser.parse_args()

    if args.data:
        data_csv = args.data
        args.month = args.month or os.path.splitext(os.path.basename(data_csv))[0]
    else:
        args.month = args.month or "2024-01"
        os.makedirs(args.data_dir, exist_ok=True)
        data_csv = os.path.join(args.data_dir, "churn-{}.csv".format(args.month))
        churn_data.write_csv(data_csv, churn_data.generate(args.rows, args.seed, shift=args.shift))

    run = trackside.init(name="eval-{}".format(args.month), experiment="churn-evaluation", model=args.model,
                         params={"month": args.month, "shift": args.shift})
    run.log_dataset(data_csv, name="customers")
    model = run.model  # weights and inference code of the evaluated version, fetched and hash-checked
    sys.path.insert(0, model.code_dir)
    import churn_inference  # the logged copy: training and serving share this code

    rows = churn_inference.read_csv(data_csv)
    proba = churn_inference.predict_proba(churn_inference.load(model.weights), rows)
    y = churn_inference.labels(rows)
    metrics = {"auc": roc_auc_score(y, proba), "accuracy": accuracy_score(y, proba > 0.5), "log_loss": log_loss(y, proba)}
    run.log(metrics)
    run.finish()
    print("{} v{} on {}: {}".format(model.name, model.version, args.month,
                                    ", ".join("{} {:.4f}".format(k, v) for k, v in metrics.items())))


if __name__ == "__main__":
    main()
