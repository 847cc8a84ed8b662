"""Inference for the churn model: the preprocessing and prediction that ship with the weights.

Logged with the model (inference_code=[...]) so serving runs exactly the code training used:

    import churn_inference
    model = churn_inference.load("weights/model.pkl")
    probabilities = churn_inference.predict_proba(model, churn_inference.read_csv("customers.csv"))
"""

import csv
import pickle

import numpy as np

CONTRACTS = ["month-to-month", "one-year", "two-year"]


def read_csv(path):
    """Rows as dicts of column name to text (the label "churn" included when present)."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def features(rows):
    """The model's input: tenure, charges, support calls and a one-hot contract type."""
    x = np.zeros((len(rows), 3 + len(CONTRACTS)))
    for i, r in enumerate(rows):
        x[i, :3] = float(r["tenure"]), float(r["monthly_charges"]), float(r["support_calls"])
        if r["contract"] in CONTRACTS:
            x[i, 3 + CONTRACTS.index(r["contract"])] = 1.0
    return x


def labels(rows):
    return np.array([int(r["churn"]) for r in rows])


def load(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def predict_proba(model, rows):
    """Probability of churn per row."""
    return model.predict_proba(features(rows))[:, 1]
