"""Synthetic customer-churn data for the model samples (numpy only).

shift = 0 is the world the model was trained in. A larger shift moves the customers
(higher charges, shorter tenure, more support calls) and changes why they leave (part of
the labels no longer follow the old pattern), so a model trained at shift 0 gets worse.

    python churn_data.py data/test.csv                 # a fixed evaluation set
    python churn_data.py data/2026-11.csv --shift 1    # this month's customers, drifted
"""

import argparse
import csv
import os

import numpy as np

COLUMNS = ["tenure", "monthly_charges", "support_calls", "contract", "churn"]
CONTRACTS = ["month-to-month", "one-year", "two-year"]


def generate(rows, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 73, rows) * (1 - 0.3 * shift)
    charges = np.clip(rng.normal(65 + 25 * shift, 20, rows), 18, 160)
    calls = rng.poisson(1.5 + 1.5 * shift, rows)
    contract = rng.choice(3, rows, p=[0.5, 0.3, 0.2])
    logit = -1.0 - 0.04 * (tenure - 24) + 0.03 * (charges - 65) + 0.5 * (calls - 1.5) + np.array([1.0, -0.5, -1.5])[contract]
    churn = rng.random(rows) < 1 / (1 + np.exp(-logit))
    flip = rng.random(rows) < min(0.45, 0.4 * shift * shift)  # the old pattern stops holding
    churn = np.where(flip, ~churn, churn)
    return [
        [round(float(t), 1), round(float(c), 2), int(k), CONTRACTS[int(p)], int(y)]
        for t, c, k, p, y in zip(tenure, charges, calls, contract, churn)
    ]


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description="Writes synthetic churn data as CSV.")
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shift", type=float, default=0.0)
    args = parser.parse_args()
    if os.path.dirname(args.path):
        os.makedirs(os.path.dirname(args.path), exist_ok=True)
    write_csv(args.path, generate(args.rows, args.seed, shift=args.shift))
    print("{} rows (shift {}) in {}".format(args.rows, args.shift, args.path))


if __name__ == "__main__":
    main()
