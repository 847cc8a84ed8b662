import decimal
import math
import threading

import trackside
from support import TempDirTest, metric_points, of_type

try:
    import numpy
except ImportError:
    numpy = None


class StepCounting(TempDirTest):
    def test_steps_count_up_per_key_from_zero(self):
        run = self.new_run()
        run.log({"a": 1})
        run.log({"a": 2})
        run.log({"b": 10})
        run.log_metric("a", 3)
        points = metric_points(self.finished_events(run))
        self.assertEqual(points["a"], [(0, 1), (1, 2), (2, 3)])
        self.assertEqual(points["b"], [(0, 10)])

    def test_keys_at_different_steps_get_one_event_per_step(self):
        run = self.new_run()
        run.log({"a": 1})
        run.log({"a": 2})
        run.log({"a": 3, "b": 4, "c": 5})
        run.log({"a": 6, "b": 7, "c": 8})
        metrics = of_type(self.finished_events(run), "metrics")
        self.assertEqual(
            [(e["step"], e["values"]) for e in metrics],
            [(0, {"a": 1}), (1, {"a": 2}), (0, {"b": 4, "c": 5}), (2, {"a": 3}),
             (1, {"b": 7, "c": 8}), (3, {"a": 6})],
        )

    def test_same_keys_every_call_is_one_event_each(self):
        run = self.new_run()
        for i in range(5):
            run.log({"loss": 1.0 / (i + 1), "acc": i / 10})
        metrics = of_type(self.finished_events(run), "metrics")
        self.assertEqual([e["step"] for e in metrics], [0, 1, 2, 3, 4])
        self.assertEqual(metrics[2]["values"], {"loss": 1.0 / 3, "acc": 0.2})

    def test_explicit_step_moves_the_counters_of_its_keys(self):
        run = self.new_run()
        run.log({"a": 1, "b": 1})
        run.log({"a": 2}, step=10)
        run.log({"a": 3, "b": 3})
        run.log({"b": 4})
        points = metric_points(self.finished_events(run))
        self.assertEqual(points["a"], [(0, 1), (10, 2), (11, 3)])
        self.assertEqual(points["b"], [(0, 1), (1, 3), (2, 4)])

    def test_epoch_is_written_beside_the_step(self):
        run = self.new_run()
        run.log({"val/loss": 0.5}, epoch=3)
        run.log({"val/loss": 0.4}, step=7, epoch=4)
        run.log({"lr": 0.1})
        metrics = of_type(self.finished_events(run), "metrics")
        self.assertEqual([(e["step"], e["epoch"]) for e in metrics[:2]], [(0, 3), (7, 4)])
        self.assertNotIn("epoch", metrics[2])

    def test_bad_steps_are_refused(self):
        run = self.new_run()
        with self.assertRaises(TypeError):
            run.log({"a": 1}, step=1.5)
        with self.assertRaises(ValueError):
            run.log({"a": 1}, step=-1)
        with self.assertRaises(ValueError):
            run.log({"a": 1}, epoch=math.nan)

    def test_the_caller_may_reuse_its_dict(self):
        run = self.new_run()
        values = {"a": 1}
        run.log(values)
        values["a"] = 2
        run.log(values)
        self.assertEqual(metric_points(self.finished_events(run))["a"], [(0, 1), (1, 2)])

    def test_threads_never_share_a_step(self):
        run = self.new_run()

        def work():
            for _ in range(500):
                run.log({"x": 1.0})

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        steps = [s for s, _ in metric_points(self.finished_events(run))["x"]]
        self.assertEqual(sorted(steps), list(range(2000)))

    def test_every_event_has_integer_unix_ms(self):
        run = self.new_run()
        run.log({"a": 1.5})
        for event in self.finished_events(run):
            self.assertIsInstance(event["t"], int)
            self.assertGreater(event["t"], 1_600_000_000_000)


class ManyAtOnce(TempDirTest):
    """The writer encodes the values of many queued calls together; each line stays its own."""

    def test_a_long_mixed_backlog_is_written_line_for_line_in_order(self):
        run = self.new_run()
        expected = []
        for i in range(1500):
            values = {"loss": 1.0 / (i + 1), "acc": i % 7}
            if i % 500 == 250:
                values["loss"] = math.nan
            if i % 300 == 100:
                values["a},{b"] = 0.5
            epoch = i // 100 if i % 3 == 0 else None
            run.log(values, step=i, epoch=epoch)
            if i % 400 == 0:
                run.log_params({"at": i})
            expected.append((i, epoch, values))
        events = self.finished_events(run)
        metrics = of_type(events, "metrics")
        self.assertEqual(len(metrics), len(expected))
        for event, (step, epoch, values) in zip(metrics, expected):
            self.assertEqual(event["step"], step)
            self.assertEqual(event.get("epoch"), epoch)
            self.assertEqual(list(event["values"]), list(values))
            for key, value in values.items():
                self.assertEqual(event["values"][key], "NaN" if math.isnan(value) else value)
        order = [e["type"] for e in events if e["type"] in ("metrics", "params")]
        self.assertEqual(order.index("params"), 1)  # after the first call, before the second


class Values(TempDirTest):
    def test_non_finite_values_are_strings_in_strict_json(self):
        run = self.new_run()
        run.log({"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "ok": 1.25})
        values = of_type(self.finished_events(run), "metrics")[0]["values"]
        self.assertEqual(values, {"nan": "NaN", "inf": "Infinity", "ninf": "-Infinity", "ok": 1.25})

    def test_bool_is_logged_as_0_or_1(self):
        run = self.new_run()
        run.log({"converged": True, "diverged": False})
        values = of_type(self.finished_events(run), "metrics")[0]["values"]
        self.assertEqual(values, {"converged": 1, "diverged": 0})
        self.assertIs(type(values["converged"]), int)

    def test_number_like_objects_are_accepted(self):
        run = self.new_run()
        run.log({"dec": decimal.Decimal("0.5"), "big": 2 ** 70})
        values = of_type(self.finished_events(run), "metrics")[0]["values"]
        self.assertEqual(values, {"dec": 0.5, "big": 2 ** 70})

    def test_non_numbers_raise_type_error_naming_the_key(self):
        run = self.new_run()
        for bad in ("0.5", None, [1.0], {"x": 1}, b"1", 1j):
            with self.assertRaises(TypeError) as caught:
                run.log({"fine": 1.0, "train/bad": bad})
            self.assertIn("train/bad", str(caught.exception))
        with self.assertRaises(TypeError) as caught:
            run.log_metric("lonely", object())
        self.assertIn("lonely", str(caught.exception))
        with self.assertRaises(TypeError):
            run.log({3: 1.0})
        # Nothing of a refused call is written, and counters did not move.
        run.log({"fine": 2.0})
        self.assertEqual(metric_points(self.finished_events(run)), {"fine": [(0, 2.0)]})

    def test_numpy_scalars_and_0d_arrays(self):
        if numpy is None:
            self.skipTest("numpy is not installed for this interpreter")
        run = self.new_run()
        run.log({
            "f64": numpy.float64(0.25), "f32": numpy.float32(0.5), "i64": numpy.int64(7),
            "u8": numpy.uint8(3), "b": numpy.bool_(True), "arr0": numpy.array(1.5),
            "nan": numpy.float32("nan"), "inf": numpy.array(-numpy.inf),
        })
        values = of_type(self.finished_events(run), "metrics")[0]["values"]
        self.assertEqual(values, {"f64": 0.25, "f32": 0.5, "i64": 7, "u8": 3, "b": 1,
                                  "arr0": 1.5, "nan": "NaN", "inf": "-Infinity"})
        self.assertIs(type(values["i64"]), int)

    def test_numpy_arrays_with_more_than_one_value_are_refused(self):
        if numpy is None:
            self.skipTest("numpy is not installed for this interpreter")
        run = self.new_run()
        for bad in (numpy.array([1.0]), numpy.zeros((2, 2)), numpy.str_("1")):
            with self.assertRaises(TypeError) as caught:
                run.log({"arr": bad})
            self.assertIn("arr", str(caught.exception))

    def test_duck_typed_scalars_without_numpy(self):
        class Scalar:  # what a numpy scalar or a 0-d tensor looks like from outside
            shape = ()

            def item(self):
                return 0.75

        class Vector:
            ndim = 1

            def item(self):
                return 1.0

        run = self.new_run()
        run.log({"s": Scalar()})
        with self.assertRaises(TypeError):
            run.log({"v": Vector()})
        self.assertEqual(of_type(self.finished_events(run), "metrics")[0]["values"], {"s": 0.75})


class ModuleLevel(TempDirTest):
    def test_module_functions_act_on_the_current_run(self):
        run = self.new_run()
        self.assertIs(trackside.current_run(), run)
        trackside.log({"a": 1})
        trackside.log_metric("a", 2)
        trackside.log_params({"lr": 0.1})
        trackside.add_tags("x")
        trackside.set_note("n")
        trackside.finish()
        self.assertIsNone(trackside.current_run())
        events = self.finished_events(run)
        self.assertEqual(metric_points(events), {"a": [(0, 1), (1, 2)]})
        self.assertEqual(of_type(events, "params")[0]["values"], {"lr": 0.1})
        self.assertEqual(events[-1]["status"], "finished")

    def test_logging_without_init_starts_a_run(self):
        trackside.finish()
        trackside.log({"a": 1})
        run = trackside.current_run()
        self.assertIsNotNone(run)
        self.addCleanup(run.finish)
        self.assertEqual(metric_points(self.finished_events(run)), {"a": [(0, 1)]})
