"""A long, slow "training": one metric every --interval seconds for --steps steps.

Standard library only; used to try stopping, killing and re-attaching to a running run.

    PYTHONPATH=src/python python3 sample/long_train.py --steps 600
"""

import argparse
import math
import random
import time

import trackside


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    run = trackside.init(experiment="long", params=vars(args))
    for step in range(args.steps):
        loss = math.exp(-step / 200) + rng.gauss(0, 0.02)
        run.log({"loss": loss})
        print("step {} loss {:.4f}".format(step, loss), flush=True)
        time.sleep(args.interval)
    run.finish()


if __name__ == "__main__":
    main()
