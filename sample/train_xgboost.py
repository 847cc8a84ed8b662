"""Gradient boosting on scikit-learn's breast-cancer data with XGBoost, tracked by
Trackside's XGBoost callback (CPU, a few seconds).

    PYTHONPATH=src/python /usr/bin/python3 sample/train_xgboost.py --rounds 200 --eta 0.1

Logs the booster's parameters, train and valid logloss / AUC / error every round, the best
round (early stopping), feature importance as an image and a table, the model file, and the
test-set scores. On Debian: apt-get install python3-xgboost python3-sklearn python3-matplotlib.
"""

import argparse

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

import trackside
from trackside.xgboost import TracksideCallback


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--eta", type=float, default=0.1)
    parser.add_argument("--max-depth", type=int, default=3)
    parser.add_argument("--subsample", type=float, default=0.8)
    parser.add_argument("--early-stopping", type=int, default=20, help="rounds without improvement (0: off)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    data = load_breast_cancer()
    features = [name.replace(" ", "_") for name in data.feature_names]
    x_rest, x_test, y_rest, y_test = train_test_split(data.data, data.target, test_size=0.2,
                                                      random_state=args.seed, stratify=data.target)
    x_train, x_valid, y_train, y_valid = train_test_split(x_rest, y_rest, test_size=0.25,
                                                          random_state=args.seed, stratify=y_rest)
    dtrain = xgb.DMatrix(x_train, y_train, feature_names=features)
    dvalid = xgb.DMatrix(x_valid, y_valid, feature_names=features)
    dtest = xgb.DMatrix(x_test, feature_names=features)

    run = trackside.init(experiment="breast-cancer", params=vars(args), tags=["sample", "xgboost"])
    params = {"objective": "binary:logistic", "eval_metric": ["error", "auc", "logloss"], "eta": args.eta,
              "max_depth": args.max_depth, "subsample": args.subsample, "seed": args.seed, "nthread": 2}
    booster = xgb.train(params, dtrain, num_boost_round=args.rounds, evals=[(dtrain, "train"), (dvalid, "valid")],
                        early_stopping_rounds=args.early_stopping or None, verbose_eval=25,
                        callbacks=[TracksideCallback(log_model=True)])

    proba = booster.predict(dtest, iteration_range=(0, booster.best_iteration + 1))
    scores = {"test/auc": roc_auc_score(y_test, proba), "test/accuracy": accuracy_score(y_test, proba > 0.5)}
    run.log(scores)
    run.finish()
    print("best round {}; {}".format(booster.best_iteration, ", ".join("{} {:.4f}".format(k, v) for k, v in scores.items())))


if __name__ == "__main__":
    main()
