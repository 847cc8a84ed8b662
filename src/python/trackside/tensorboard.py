"""A drop-in for torch.utils.tensorboard.SummaryWriter that records a Trackside run.

    from trackside.tensorboard import SummaryWriter   # instead of torch.utils.tensorboard

    with SummaryWriter() as writer:
        writer.add_scalar("train/loss", loss, global_step=epoch)

Nothing heavy is imported here: tensors are read through .detach().cpu().numpy(), and numpy
is imported only when an image or a histogram is logged. Every value is kept, also several
at one global_step; without global_step each tag counts up from 0. walltime is ignored.

The writer uses the run it is given, else the current run, else starts one (named after
log_dir's last part plus comment, as TensorBoard names its folder); close() finishes only
a run it started, so one writer per run in a loop gives one run each.

add_histogram logs <tag>/min, /max, /mean and /std at the step; the bucket counts of every
tag go, at close(), into one artifact "histograms.json" (kind "histograms"):
{"format": 1, "histograms": {tag: [{"step", "count", "nonfinite", "edges", "counts"}, ...]}},
thinned evenly to at most MAX_HISTOGRAMS steps per tag.
"""

import atexit
import json
import os
import sys
import tempfile
import threading
import warnings

from .images import encode_png
from .start import current_run, init

MAX_HISTOGRAMS = 1000  # bucket records kept per tag
GRID_COLUMNS = 8  # add_images tiles a batch like TensorBoard's grid


class SummaryWriter:
    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix="", run=None, **init_kwargs):
        """Extra keyword arguments (experiment, params, tags, notes) go to trackside.init()."""
        self._owned = False
        if run is None:
            run = current_run()
        if run is None:
            name = os.path.basename(os.path.normpath(os.fspath(log_dir))) + comment if log_dir else None
            run = init(name=init_kwargs.pop("name", name), **init_kwargs)
            self._owned = True
        self.run = run
        self.log_dir = run.dir
        self._lock = threading.Lock()
        self._steps = {}  # next step per tag, for text and histograms logged without one
        self._histograms = {}  # tag -> [records], stride
        self._closed = False
        atexit.register(self._at_exit)

    def get_logdir(self):
        return self.log_dir

    def _step(self, kind, tag, global_step):
        with self._lock:
            key = (kind, tag)
            step = self._steps.get(key, 0) if global_step is None else _int_step(global_step)
            self._steps[key] = step + 1
            return step

    # Scalars

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        self.run.log({str(tag): _scalar(scalar_value)}, step=_optional_step(global_step))

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each entry as <main_tag>/<tag>, all at one step."""
        values = {"{}/{}".format(main_tag, k): _scalar(v) for k, v in tag_scalar_dict.items()}
        self.run.log(values, step=_optional_step(global_step))

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Hyperparameters as the run's params, metrics as metrics (into this run, not a sub-run)."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("trackside: add_hparams takes two dicts: hyperparameters and metrics")
        self.run.log_params(hparam_dict)
        if metric_dict:
            self.run.log({str(k): _scalar(v) for k, v in metric_dict.items()}, step=_optional_step(global_step))

    # Images

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """A CHW, HWC or HW image; floats are taken as 0..1, uint8 as 0..255."""
        self._log_pixels(tag, _hwc(_array(img_tensor), dataformats), global_step)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """A batch (NCHW, NHWC, ...) tiled into one image, 8 per row."""
        self._log_pixels(tag, _grid(_array(img_tensor), dataformats), global_step)

    def _log_pixels(self, tag, pixels, global_step):
        np = _numpy()
        if pixels.dtype != np.uint8:
            pixels = np.rint(np.clip(np.nan_to_num(pixels.astype(np.float64) * 255), 0, 255)).astype(np.uint8)
        height, width, channels = pixels.shape
        data = encode_png(np.ascontiguousarray(pixels).tobytes(), width, height, channels)
        fd, path = tempfile.mkstemp(suffix=".png")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            self.run.log_image(str(tag), path, step=_optional_step(global_step))
        finally:
            os.unlink(path)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib Figure (or a list of them, each at the same step) as a PNG image."""
        figures = figure if isinstance(figure, (list, tuple)) else [figure]
        for fig in figures:
            self.run.log_image(str(tag), fig, step=_optional_step(global_step))
            pyplot = sys.modules.get("matplotlib.pyplot")
            if close and pyplot is not None:  # only pyplot keeps figures alive
                pyplot.close(fig)

    # Text and histograms

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Stored as a Markdown artifact (kind "text") named <tag>-step<N>.md."""
        step = self._step("text", tag, global_step)
        data = str(text_string).encode("utf-8")
        self._emit_artifact("{}-step{}.md".format(tag, step), "text", data)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        np = _numpy()
        tag = str(tag)
        every = _array(values).astype(np.float64).ravel()
        finite = every[np.isfinite(every)]
        if finite.size == 0:
            raise ValueError("trackside: add_histogram({!r}) got no finite values".format(tag))
        step = self._step("histogram", tag, global_step)
        self.run.log({tag + "/min": float(finite.min()), tag + "/max": float(finite.max()),
                      tag + "/mean": float(finite.mean()), tag + "/std": float(finite.std())}, step=step)
        if bins == "tensorflow" or bins is None:
            bins = 30
        if max_bins is not None and isinstance(bins, int):
            bins = min(bins, max_bins)
        counts, edges = np.histogram(finite, bins=bins)
        record = {"step": step, "count": int(every.size), "nonfinite": int(every.size - finite.size),
                  "edges": edges.tolist(), "counts": counts.tolist()}
        with self._lock:
            kept = self._histograms.setdefault(tag, [[], 1, 0])  # records, stride, calls
            records, stride, calls = kept
            kept[2] = calls + 1
            if calls % stride == 0:
                records.append(record)
                if len(records) >= MAX_HISTOGRAMS:  # thin evenly: every other record, half as often
                    kept[0], kept[1] = records[::2], stride * 2

    def _write_histograms(self):
        with self._lock:
            tags = {tag: kept[0] for tag, kept in self._histograms.items()}
            self._histograms = {}
        if tags:
            data = json.dumps({"format": 1, "histograms": tags}, allow_nan=False).encode("utf-8")
            self._emit_artifact("histograms.json", "histograms", data)

    def _emit_artifact(self, name, kind, data):
        digest, size = self.run.blobs.put_bytes(data)
        self.run._emit({"type": "artifact", "name": name, "kind": kind, "hash": digest, "size": size})

    # What TensorBoard shows that a run has no place for: accepted, noted once, not recorded.

    def _not_recorded(self, method):
        warnings.warn("trackside: SummaryWriter.{} is not recorded by Trackside".format(method), stacklevel=3)

    def add_graph(self, *args, **kwargs):
        self._not_recorded("add_graph")

    def add_embedding(self, *args, **kwargs):
        self._not_recorded("add_embedding")

    def add_pr_curve(self, *args, **kwargs):
        self._not_recorded("add_pr_curve")

    def add_audio(self, *args, **kwargs):
        self._not_recorded("add_audio")

    def add_video(self, *args, **kwargs):
        self._not_recorded("add_video")

    def add_mesh(self, *args, **kwargs):
        self._not_recorded("add_mesh")

    def add_custom_scalars(self, *args, **kwargs):
        self._not_recorded("add_custom_scalars")

    # Ending

    def flush(self):
        self.run.flush()

    def close(self):
        """Writes the histogram buckets; finishes the run if this writer started it."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self._at_exit)
        if self.run.finished:
            return
        self._write_histograms()
        if self._owned:
            self.run.finish()
        else:
            self.run.flush()

    def _at_exit(self):
        # Runs before the client's own exit hook (registered earlier), so buckets still land.
        try:
            self.close()
        except Exception as e:
            sys.stderr.write("trackside: SummaryWriter could not close: {}\n".format(e))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or not self._owned:
            self.close()
        else:  # the run ends as failed or stopped, like trackside.init()'s own context
            self._closed = True
            atexit.unregister(self._at_exit)
            if not self.run.finished:
                self._write_histograms()
            self.run.__exit__(exc_type, exc, tb)
        return False


def _numpy():
    try:
        import numpy
    except ImportError:
        raise ImportError("trackside.tensorboard: images and histograms need numpy "
                          "(apt-get install python3-numpy, or pip install numpy)") from None
    return numpy


def _array(x):
    """A numpy array from a tensor (torch, TensorFlow), an array or a nested list."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    elif callable(getattr(x, "numpy", None)):
        x = x.numpy()
    return _numpy().asarray(x)


def _scalar(value):
    # TensorBoard accepts one-element arrays and tensors of any shape.
    if getattr(value, "ndim", 0) not in (0, None) and callable(getattr(value, "item", None)):
        try:
            return value.item()
        except (ValueError, RuntimeError):
            pass
    return value


def _int_step(step):
    # Steps often arrive as numpy or tensor scalars, or as whole floats.
    if not isinstance(step, (int, float)) and callable(getattr(step, "item", None)):
        step = step.item()
    if isinstance(step, float) and step.is_integer():
        step = int(step)
    return step


def _optional_step(step):
    return None if step is None else _int_step(step)


def _layout(array, dataformats, allowed):
    fmt = str(dataformats).upper()
    if fmt not in allowed or len(fmt) != array.ndim:
        raise ValueError("trackside: an array of shape {} does not match dataformats {!r} (one of: {})".format(
            tuple(array.shape), dataformats, ", ".join(allowed)))
    return fmt


def _hwc(array, dataformats):
    fmt = _layout(array, dataformats, ("CHW", "HWC", "HW"))
    if fmt == "HW":
        array = array[:, :, None]
    elif fmt == "CHW":
        array = array.transpose(1, 2, 0)
    return _check_channels(array)


def _grid(array, dataformats):
    fmt = _layout(array, dataformats, ("NCHW", "NHWC", "NHW"))
    np = _numpy()
    if fmt == "NHW":
        array = array[:, :, :, None]
    elif fmt == "NCHW":
        array = array.transpose(0, 2, 3, 1)
    n, height, width, channels = array.shape
    if n == 0:
        raise ValueError("trackside: add_images got an empty batch")
    columns = min(n, GRID_COLUMNS)
    rows = -(-n // columns)
    canvas = np.zeros((rows * height, columns * width, channels), dtype=array.dtype)
    for i in range(n):
        r, c = divmod(i, columns)
        canvas[r * height:(r + 1) * height, c * width:(c + 1) * width] = array[i]
    return _check_channels(canvas)


def _check_channels(array):
    if array.shape[2] not in (1, 2, 3, 4) or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError("trackside: an image needs 1 to 4 channels and some pixels, got shape {} (HWC)".format(
            tuple(array.shape)))
    return array
