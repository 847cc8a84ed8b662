"""A Keras callback for tf.keras and Keras 3 that never imports TensorFlow or Keras itself
at import time.

`TracksideCallback` is a plain class until it is first instantiated. Then it looks up the
Keras `Callback` base class (tf.keras's if TensorFlow is already loaded, else Keras 3's
`keras.callbacks.Callback`, importing `keras` or, failing that, `tensorflow` only now) and
returns an instance of a subclass of both, so `isinstance(cb, keras.callbacks.Callback)` and
`isinstance(cb, TracksideCallback)` both hold.

    model.fit(x, y, epochs=10, callbacks=[TracksideCallback(log_every_n_batches=50)])
"""

import importlib
import sys

from .start import current_run, init
from .values import metric_number

_classes = {}


def keras_callback_base():
    """The Callback class of the Keras in use."""
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        return tf.keras.callbacks.Callback
    keras = sys.modules.get("keras")
    if keras is None:
        try:
            keras = importlib.import_module("keras")
        except ImportError:
            return importlib.import_module("tensorflow").keras.callbacks.Callback
    return keras.callbacks.Callback


class TracksideCallback:
    """Logs `logs` at each epoch end (step = epoch), and every N batches under "batch/" keys.

    At train start it logs the model's parameter count and optimizer config as params.
    `run` defaults to the current run (starting one if there is none).
    """

    def __new__(cls, log_every_n_batches=None, run=None):
        if cls is TracksideCallback:
            cls = _concrete(log_every_n_batches is not None)
        return super().__new__(cls)

    def __init__(self, log_every_n_batches=None, run=None):
        super().__init__()
        if log_every_n_batches is not None and log_every_n_batches < 1:
            raise ValueError("trackside: log_every_n_batches must be at least 1")
        self.log_every_n_batches = log_every_n_batches
        self._run = run
        self._batches = 0  # across epochs, the step of batch/ metrics
        self._epoch = 0

    @property
    def run(self):
        if self._run is None:
            self._run = current_run() or init()
        return self._run

    def on_train_begin(self, logs=None):
        params = {}
        model = getattr(self, "model", None)
        if model is not None:
            try:
                params["model/parameters"] = int(model.count_params())
            except Exception:  # an unbuilt model cannot count its weights yet
                pass
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and hasattr(optimizer, "get_config"):
                params["optimizer"] = optimizer.get_config()
        fit = getattr(self, "params", None)
        if isinstance(fit, dict):
            params["fit"] = {k: v for k, v in fit.items() if v is not None}
        if params:
            self.run.log_params(params)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        values = _numbers(logs)
        if values:
            self.run.log(values, step=epoch, epoch=epoch)


class _BatchHooks:
    # Only callbacks that need batch hooks define them: tf.keras skips calling (and syncing
    # logs for) hooks a callback leaves at the default.
    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        if self._batches % self.log_every_n_batches == 0:
            values = {"batch/" + k: v for k, v in _numbers(logs).items()}
            if values:
                self.run.log(values, step=self._batches, epoch=self._epoch)


def _concrete(with_batches):
    base = keras_callback_base()
    key = (base, with_batches)
    if key not in _classes:
        bases = (TracksideCallback, _BatchHooks, base) if with_batches else (TracksideCallback, base)
        _classes[key] = type("TracksideCallback", bases, {"__module__": __name__})
    return _classes[key]


def _numbers(logs):
    """The numeric entries of a Keras logs dict (tensors and numpy scalars included)."""
    values = {}
    for key, value in (logs or {}).items():
        try:
            values[str(key)] = metric_number(key, value)
        except TypeError:
            continue
    return values

