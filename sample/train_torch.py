"""A small PyTorch network on scikit-learn's 8x8 digits, logged through Trackside's
TensorBoard-compatible SummaryWriter (CPU, a few seconds).

    PYTHONPATH=src/python /usr/bin/python3 sample/train_torch.py --epochs 10

Only TensorBoard's API is used: change the import back to torch.utils.tensorboard and the
same script writes event files. Logs every batch's loss at global_step=epoch, validation
loss and accuracy per epoch, weight histograms, example digits, a confusion matrix, the
model's summary as text and the hyperparameters with the final scores.
On Debian: apt-get install python3-torch python3-sklearn python3-matplotlib.
"""

import argparse

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

from trackside.tensorboard import SummaryWriter  # was: from torch.utils.tensorboard import SummaryWriter


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def confusion_figure(truth, predicted):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (truth, predicted), 1)
    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_subplot()
    ax.imshow(matrix, cmap="Blues")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title="Validation confusion matrix")
    figure.tight_layout()
    return figure


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixels are 0..16
    x_train, x_val, y_train, y_val = train_test_split(x, digits.target, test_size=0.25, random_state=args.seed,
                                                      stratify=digits.target)
    x_train, x_val = torch.from_numpy(x_train), torch.from_numpy(x_val)
    y_train, y_val = torch.from_numpy(y_train), torch.from_numpy(y_val)

    model = nn.Sequential(nn.Linear(64, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    with SummaryWriter() as writer:
        writer.add_text("model", "```\n{}\n```".format(model))
        writer.add_images("val/examples", x_val[:16].reshape(-1, 1, 8, 8), 0)
        generator = torch.Generator().manual_seed(args.seed)
        for epoch in range(args.epochs):
            model.train()
            order = torch.randperm(len(y_train), generator=generator)
            for start in range(0, len(order), args.batch_size):
                batch = order[start:start + args.batch_size]
                loss = loss_fn(model(x_train[batch]), y_train[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                writer.add_scalar("train/loss", loss.item(), global_step=epoch)
            model.eval()
            with torch.no_grad():
                logits = model(x_val)
                val_loss = loss_fn(logits, y_val).item()
                val_acc = (logits.argmax(dim=1) == y_val).float().mean().item()
            writer.add_scalar("val/loss", val_loss, epoch)
            writer.add_scalar("val/acc", val_acc, epoch)
            writer.add_histogram("weights/hidden", model[0].weight, epoch)
            print("epoch {:3d}  val/loss {:.4f}  val/acc {:.4f}".format(epoch, val_loss, val_acc), flush=True)

        predicted = logits.argmax(dim=1)
        wrong = (predicted != y_val).nonzero().flatten()[:16]
        if len(wrong):
            writer.add_images("val/mistakes", x_val[wrong].reshape(-1, 8, 8, 1), args.epochs - 1, dataformats="NHWC")
        figure = confusion_figure(y_val.numpy(), predicted.numpy())
        if figure is not None:
            writer.add_figure("val/confusion_matrix", figure, args.epochs - 1)
        writer.add_hparams({"lr": args.lr, "hidden": args.hidden, "batch_size": args.batch_size, "epochs": args.epochs,
                            "seed": args.seed}, {"hparam/val_acc": val_acc, "hparam/val_loss": val_loss})


if __name__ == "__main__":
    main()
