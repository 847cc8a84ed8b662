"""trackside.tensorboard.SummaryWriter: TensorBoard's writer API recording a Trackside run.

Scalars, text and hparams need nothing; images and histograms need numpy, and are also
checked with real torch tensors where torch is installed (Debian: python3-torch).
"""

import json
import os
import textwrap
import unittest
import warnings
from unittest import mock

from png_reader import read_png
from support import TempDirTest, metric_points, of_type, read_events, run_python

try:
    import numpy
except ImportError:
    numpy = None
try:
    import torch
except ImportError:
    torch = None
try:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
except ImportError:
    Figure = None

needs_numpy = unittest.skipIf(numpy is None, "numpy is not installed for this interpreter")
needs_torch = unittest.skipIf(torch is None, "torch is not installed for this interpreter (python3-torch)")


class WriterTest(TempDirTest):
    def setUp(self):
        super().setUp()
        from trackside.tensorboard import SummaryWriter

        self.SummaryWriter = SummaryWriter

    def writer(self, *args, **kwargs):
        writer = self.SummaryWriter(*args, **kwargs)
        self.addCleanup(writer.close)
        return writer

    def blob(self, digest):
        from trackside.blobs import BlobStore

        with open(BlobStore(os.path.join(self.tmp, ".trackside")).path(digest), "rb") as f:
            return f.read()

    def closed_events(self, writer):
        writer.close()
        return read_events(writer.run.dir)


class Scalars(WriterTest):
    def test_several_values_at_one_global_step_are_all_kept(self):
        writer = self.writer()
        for step in range(2):
            for batch in range(3):
                writer.add_scalar("train/loss", step + batch / 10, global_step=step)
        points = metric_points(self.closed_events(writer))
        self.assertEqual(points["train/loss"], [(0, 0.0), (0, 0.1), (0, 0.2), (1, 1.0), (1, 1.1), (1, 1.2)])

    def test_without_a_global_step_each_tag_counts_up(self):
        writer = self.writer()
        for value in (0.5, 0.25, 0.125):
            writer.add_scalar("loss", value)
            writer.add_scalar("lr", 0.1)
        points = metric_points(self.closed_events(writer))
        self.assertEqual(points["loss"], [(0, 0.5), (1, 0.25), (2, 0.125)])
        self.assertEqual([s for s, _ in points["lr"]], [0, 1, 2])

    def test_add_scalars_logs_each_under_the_main_tag_at_one_step(self):
        writer = self.writer()
        writer.add_scalars("loss", {"train": 0.3, "val": 0.4}, 7)
        events = self.closed_events(writer)
        (event,) = [e for e in of_type(events, "metrics") if "loss/train" in e["values"]]
        self.assertEqual((event["step"], event["values"]), (7, {"loss/train": 0.3, "loss/val": 0.4}))

    def test_add_hparams_records_params_and_metrics(self):
        writer = self.writer()
        writer.add_hparams({"lr": 0.01, "optimizer": "adam", "layers": 3}, {"hparam/accuracy": 0.93})
        events = self.closed_events(writer)
        self.assertEqual(of_type(events, "params")[-1]["values"], {"lr": 0.01, "optimizer": "adam", "layers": 3})
        self.assertEqual(metric_points(events)["hparam/accuracy"], [(0, 0.93)])

    def test_add_text_is_a_markdown_artifact_per_step(self):
        writer = self.writer()
        writer.add_text("notes", "first *run*")
        writer.add_text("notes", "second", global_step=5)
        texts = of_type(self.closed_events(writer), "artifact")
        self.assertEqual([(a["name"], a["kind"]) for a in texts], [("notes-step0.md", "text"), ("notes-step5.md", "text")])
        self.assertEqual(self.blob(texts[0]["hash"]), b"first *run*")

    def test_a_whole_float_global_step_is_an_integer_step(self):
        writer = self.writer()
        writer.add_scalar("x", 1.0, global_step=3.0)
        self.assertEqual(metric_points(self.closed_events(writer))["x"], [(3, 1.0)])

    def test_what_a_run_has_no_place_for_warns_and_is_skipped(self):
        writer = self.writer()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            writer.add_graph(object(), None)
            writer.add_embedding([[1.0]])
        self.assertEqual(len(caught), 2)
        self.assertIn("add_graph is not recorded", str(caught[0].message))
        self.assertEqual(caught[0].filename, __file__)


class RunOwnership(WriterTest):
    def test_a_writer_starts_its_own_run_named_like_tensorboard_and_close_finishes_it(self):
        writer = self.writer(log_dir="runs/resnet-lr0.1", comment="_bs64")
        self.assertEqual(writer.get_logdir(), writer.run.dir)
        events = self.closed_events(writer)
        self.assertEqual(of_type(events, "run")[0]["name"], "resnet-lr0.1_bs64")
        self.assertEqual(events[-1]["status"], "finished")
        writer.close()  # again: nothing more
        self.assertEqual(read_events(writer.run.dir), events)

    def test_one_writer_per_sweep_point_gives_one_run_each(self):
        dirs = []
        for lr in (0.1, 0.01):
            with self.SummaryWriter(comment="lr{}".format(lr)) as writer:
                writer.add_scalar("loss", lr)
                dirs.append(writer.run.dir)
        self.assertNotEqual(dirs[0], dirs[1])
        self.assertEqual([read_events(d)[-1]["status"] for d in dirs], ["finished", "finished"])

    def test_the_current_run_is_used_and_left_running(self):
        run = self.new_run(name="mine")
        with self.SummaryWriter() as writer:
            writer.add_scalar("loss", 1.0, 0)
        self.assertIs(writer.run, run)
        self.assertFalse(run.finished)
        self.assertEqual(metric_points(self.finished_events(run))["loss"], [(0, 1.0)])

    def test_trackside_init_arguments_pass_through(self):
        writer = self.writer(experiment="mnist", tags=["cnn"], params={"lr": 0.1})
        start = of_type(self.closed_events(writer), "run")[0]
        self.assertEqual((start["experiment"], start["tags"], start["params"]), ("mnist", ["cnn"], {"lr": 0.1}))

    def test_an_exception_in_the_with_block_fails_the_run(self):
        with self.assertRaises(ZeroDivisionError):
            with self.SummaryWriter() as writer:
                writer.add_scalar("loss", 1 / 0)
        status = read_events(writer.run.dir)[-1]
        self.assertEqual(status["status"], "failed")
        self.assertIn("ZeroDivisionError", status["error"])

    @needs_numpy
    def test_a_writer_never_closed_still_writes_its_histograms_at_exit(self):
        done = run_python(textwrap.dedent("""
            from trackside.tensorboard import SummaryWriter
            writer = SummaryWriter()
            writer.add_histogram("w", [1.0, 2.0, 3.0], 0)
            print(writer.run.dir)
        """), cwd=self.tmp, TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside"))
        self.assertEqual(done.returncode, 0, done.stderr)
        events = read_events(done.stdout.strip())
        self.assertEqual([a["name"] for a in of_type(events, "artifact")], ["histograms.json"])
        self.assertEqual(events[-1]["status"], "finished")


@needs_numpy
class Images(WriterTest):
    def logged_pixels(self, events, key):
        (image,) = [e for e in of_type(events, "image") if e["key"] == key]
        self.assertEqual(image["format"], "png")
        width, height, channels, pixels = read_png(self.blob(image["hash"]))
        self.assertEqual((image["width"], image["height"]), (width, height))
        return image["step"], numpy.frombuffer(pixels, numpy.uint8).reshape(height, width, channels)

    def test_chw_floats_hwc_bytes_and_grey_images(self):
        rgb = numpy.random.default_rng(0).random((3, 4, 5))  # CHW floats in 0..1
        writer = self.writer()
        writer.add_image("chw", rgb, 2)
        writer.add_image("hwc", (rgb.transpose(1, 2, 0) * 255).astype(numpy.uint8), 2, dataformats="HWC")
        writer.add_image("grey", numpy.array([[0.0, 0.5], [1.0, 2.0]]), dataformats="HW")
        events = self.closed_events(writer)
        step, pixels = self.logged_pixels(events, "chw")
        self.assertEqual(step, 2)
        numpy.testing.assert_array_equal(pixels, numpy.rint(rgb.transpose(1, 2, 0) * 255))
        numpy.testing.assert_array_equal(self.logged_pixels(events, "hwc")[1],
                                         (rgb.transpose(1, 2, 0) * 255).astype(numpy.uint8))
        step, grey = self.logged_pixels(events, "grey")
        self.assertEqual(step, 0)
        self.assertEqual(grey[:, :, 0].tolist(), [[0, 128], [255, 255]])  # clipped, not wrapped

    def test_add_images_tiles_a_batch_eight_per_row(self):
        batch = numpy.zeros((10, 1, 2, 3), dtype=numpy.uint8)
        for i in range(10):
            batch[i] = i * 10
        writer = self.writer()
        writer.add_images("batch", batch, 0)
        _, grid = self.logged_pixels(self.closed_events(writer), "batch")
        self.assertEqual(grid.shape, (4, 24, 1))
        self.assertEqual(grid[0, ::3, 0].tolist(), [0, 10, 20, 30, 40, 50, 60, 70])
        self.assertEqual(grid[2, ::3, 0].tolist(), [80, 90, 0, 0, 0, 0, 0, 0])

    def test_a_shape_that_does_not_match_dataformats_is_refused(self):
        writer = self.writer()
        with self.assertRaises(ValueError):
            writer.add_image("bad", numpy.zeros((3, 4)), dataformats="CHW")
        with self.assertRaises(ValueError):
            writer.add_image("bad", numpy.zeros((5, 4, 4)))  # 5 channels

    @needs_torch
    def test_tensors_that_need_grad_are_read_without_torch_being_imported_here(self):
        image = torch.rand(3, 6, 7, requires_grad=True)
        writer = self.writer()
        writer.add_image("t", image, torch.tensor(4))
        step, pixels = self.logged_pixels(self.closed_events(writer), "t")
        self.assertEqual(step, 4)
        numpy.testing.assert_array_equal(pixels, numpy.rint(image.detach().numpy().transpose(1, 2, 0).astype(float) * 255))

    @unittest.skipIf(Figure is None, "matplotlib is not installed for this interpreter")
    def test_add_figure_logs_a_png(self):
        figure = Figure(figsize=(2, 1), dpi=50)
        figure.add_subplot().plot([0, 1], [1, 0])
        writer = self.writer()
        writer.add_figure("plot", figure, 3)
        (image,) = of_type(self.closed_events(writer), "image")
        self.assertEqual((image["key"], image["step"], image["width"], image["height"]), ("plot", 3, 100, 50))
        read_png(self.blob(image["hash"]), pixels=False)


@needs_numpy
class Histograms(WriterTest):
    def buckets(self, events):
        (artifact,) = [a for a in of_type(events, "artifact") if a["name"] == "histograms.json"]
        self.assertEqual(artifact["kind"], "histograms")
        return json.loads(self.blob(artifact["hash"]))

    def test_min_mean_max_std_series_and_the_buckets(self):
        rng = numpy.random.default_rng(1)
        values = [rng.normal(size=500), rng.normal(2.0, 0.5, size=(20, 10))]
        writer = self.writer()
        for step, v in enumerate(values):
            writer.add_histogram("layer/weight", v, step * 10, bins=8)
        events = self.closed_events(writer)
        points = metric_points(events)
        for stat in ("min", "mean", "max", "std"):
            expected = [(i * 10, float(getattr(numpy, stat)(v))) for i, v in enumerate(values)]
            got = points["layer/weight/" + stat]
            self.assertEqual([s for s, _ in got], [s for s, _ in expected])
            for (_, a), (_, b) in zip(got, expected):
                self.assertAlmostEqual(a, b, places=12)
        data = self.buckets(events)
        self.assertEqual(data["format"], 1)
        records = data["histograms"]["layer/weight"]
        self.assertEqual([r["step"] for r in records], [0, 10])
        counts, edges = numpy.histogram(values[1], bins=8)
        self.assertEqual((records[1]["counts"], records[1]["edges"]), (counts.tolist(), edges.tolist()))
        self.assertEqual((records[1]["count"], records[1]["nonfinite"]), (200, 0))

    def test_non_finite_values_are_counted_not_binned(self):
        writer = self.writer()
        writer.add_histogram("h", numpy.array([1.0, numpy.nan, 3.0, numpy.inf]))
        events = self.closed_events(writer)
        self.assertEqual(metric_points(events)["h/max"], [(0, 3.0)])
        (record,) = self.buckets(events)["histograms"]["h"]
        self.assertEqual((record["count"], record["nonfinite"], sum(record["counts"])), (4, 2, 2))
        with self.assertRaises(ValueError):
            self.writer().add_histogram("empty", [])

    def test_buckets_are_thinned_evenly_past_the_limit(self):
        writer = self.writer()
        with mock.patch("trackside.tensorboard.MAX_HISTOGRAMS", 4):
            for step in range(10):
                writer.add_histogram("h", [step, step + 1.0], step)
        events = self.closed_events(writer)
        self.assertEqual(len(metric_points(events)["h/mean"]), 10)
        self.assertEqual([r["step"] for r in self.buckets(events)["histograms"]["h"]], [0, 4, 8])

    @needs_torch
    def test_a_parameter_tensor(self):
        layer = torch.nn.Linear(4, 3)
        writer = self.writer()
        writer.add_histogram("linear", layer.weight, 0)
        writer.add_scalar("one", torch.tensor([2.5]), 0)  # one element, one dimension
        points = metric_points(self.closed_events(writer))
        self.assertAlmostEqual(points["linear/max"][0][1], layer.weight.max().item(), places=6)
        self.assertEqual(points["one"], [(0, 2.5)])
