"""TracksideCallback against a stand-in `keras` module (TensorFlow is not installable here)."""

import sys
import types
from unittest import mock

from support import TempDirTest, metric_points, of_type


class FakeCallback:
    """The part of keras.callbacks.Callback that model.fit relies on."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class FakeOptimizer:
    def get_config(self):
        return {"name": "adam", "learning_rate": FakeTensor(0.001), "beta_1": 0.9, "amsgrad": False,
                "schedule": {"class_name": "ExponentialDecay", "config": {"decay_steps": 100}},
                "clipnorm": None, "weird": object()}


class FakeTensor:
    ndim = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        return self.value


class FakeModel:
    optimizer = FakeOptimizer()

    def count_params(self):
        return 1234


def fake_keras_modules(package="keras"):
    callbacks = types.ModuleType(package + ".callbacks")
    callbacks.Callback = type("Callback", (FakeCallback,), {})
    root = types.ModuleType(package)
    root.callbacks = callbacks
    return root, {package: root, package + ".callbacks": callbacks}


def fit(callback, epochs, batches):
    """What model.fit does with a callback."""
    callback.set_model(FakeModel())
    callback.set_params({"epochs": epochs, "steps": batches, "verbose": 0})
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        for batch in range(batches):
            callback.on_train_batch_end(batch, {"loss": FakeTensor(1.0 / (batch + 1)), "note": "x"})
        callback.on_epoch_end(epoch, {"loss": 0.5 - epoch / 10, "val_loss": FakeTensor(0.6), "lr": "n/a"})


class KerasCallback(TempDirTest):
    def setUp(self):
        super().setUp()
        self.keras, modules = fake_keras_modules()
        patch = mock.patch.dict(sys.modules, modules)
        patch.start()
        self.addCleanup(patch.stop)
        sys.modules.pop("tensorflow", None)
        from trackside.keras import TracksideCallback

        self.TracksideCallback = TracksideCallback

    def test_is_a_keras_callback_built_on_first_use(self):
        callback = self.TracksideCallback(run=self.new_run())
        self.assertIsInstance(callback, self.keras.callbacks.Callback)
        self.assertIsInstance(callback, self.TracksideCallback)
        # Batch hooks only when asked for: tf.keras skips hooks left at the default.
        self.assertIs(type(callback).on_train_batch_end, FakeCallback.on_train_batch_end)
        batched = self.TracksideCallback(log_every_n_batches=2, run=self.new_run())
        self.assertIsNot(type(batched).on_train_batch_end, FakeCallback.on_train_batch_end)

    def test_logs_each_epoch_and_the_model_as_params(self):
        run = self.new_run()
        fit(self.TracksideCallback(run=run), epochs=3, batches=4)
        events = self.finished_events(run)
        points = metric_points(events)
        self.assertEqual(points["loss"], [(0, 0.5), (1, 0.4), (2, 0.3)])
        self.assertEqual(points["val_loss"], [(0, 0.6), (1, 0.6), (2, 0.6)])
        self.assertNotIn("lr", points)
        self.assertEqual([e["epoch"] for e in of_type(events, "metrics")], [0, 1, 2])
        params = of_type(events, "params")[0]["values"]
        self.assertEqual(params["model/parameters"], 1234)
        self.assertEqual(params["optimizer/name"], "adam")
        self.assertEqual(params["optimizer/learning_rate"], 0.001)
        self.assertEqual(params["optimizer/amsgrad"], False)
        self.assertEqual(params["optimizer/schedule/config/decay_steps"], 100)
        self.assertIsNone(params["optimizer/clipnorm"])
        self.assertTrue(params["optimizer/weird"].startswith("<object object"))
        self.assertEqual((params["fit/epochs"], params["fit/steps"]), (3, 4))

    def test_every_n_batches_under_batch_keys(self):
        run = self.new_run()
        fit(self.TracksideCallback(log_every_n_batches=3, run=run), epochs=2, batches=4)
        points = metric_points(self.finished_events(run))
        self.assertEqual(points["batch/loss"], [(3, 1 / 3), (6, 1 / 2)])
        self.assertNotIn("batch/note", points)
        self.assertEqual(len(points["loss"]), 2)

    def test_uses_the_current_run_by_default(self):
        run = self.new_run()
        fit(self.TracksideCallback(), epochs=1, batches=1)
        self.assertIn("loss", metric_points(self.finished_events(run)))

    def test_tf_keras_is_used_when_tensorflow_is_loaded(self):
        tf_keras, modules = fake_keras_modules("tensorflow.keras")
        tensorflow = types.ModuleType("tensorflow")
        tensorflow.keras = tf_keras
        with mock.patch.dict(sys.modules, dict(modules, tensorflow=tensorflow)):
            callback = self.TracksideCallback(run=self.new_run())
        self.assertIsInstance(callback, tf_keras.callbacks.Callback)
        self.assertNotIsInstance(callback, self.keras.callbacks.Callback)

    def test_refuses_a_zero_batch_interval(self):
        with self.assertRaises(ValueError):
            self.TracksideCallback(log_every_n_batches=0, run=self.new_run())
