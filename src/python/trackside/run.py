"""A run: what a training script logs to, one run folder and its event log."""

import io
import math
import operator
import os
import threading
import time

from . import exit_hooks, forks
from .blobs import BlobStore, code_files, describe, file_entries, hash_file
from .columns import dataset_columns
from .environment import main_script
from .images import HEAD, dimensions, figure_png, sniff
from .statuses import FINISH_STATUSES
from .values import flatten_params, metric_number, tag_list
from .writer import EventWriter

# Queued events past which log() waits for the writer thread: a loop logging faster than the
# writer can format would otherwise grow the queue, and what a SIGKILL loses, without bound.
BACKLOG = 2000

_time = time.time
_PLAIN = frozenset((int, float))


class Run:
    """Made by trackside.init(); every method may be called from any thread."""

    def __init__(self, run_id, run_dir, root, prepare=None):
        """prepare(): makes the run folder and its meta.json, run by the writer whenever the
        folder is missing (not writable yet, or deleted)."""
        self.id = run_id
        self.dir = run_dir
        self.root = root
        self._writer = EventWriter(os.path.join(run_dir, "events.jsonl"), prepare)
        self.blobs = BlobStore(root, on_error=self._writer.store_failed)
        self._queue = self._writer.queue
        self._new_locks()
        self._next_step = {}  # next step per key, except for the keys in _group
        self._group = frozenset()
        self._group_step = -1
        self._next_image_step = {}
        self._pid = os.getpid()
        self._datasets = []  # {"name", "hash"} of each log_dataset, recorded with a model
        self._model_ref = None  # (name, version) an evaluation run evaluates
        self._model = None
        self.finished = False
        forks.watch(self)

    def _new_locks(self):
        self._lock = threading.Lock()  # step counters
        self._end_lock = threading.RLock()  # re-entrant: a SIGTERM handler may end mid-finish()

    def _after_fork_in_child(self):
        self._new_locks()  # another thread of the parent may have held them

    def __repr__(self):
        return "<trackside.Run {} at {}>".format(self.id, self.dir)

    # Metrics: the hot path. Types are checked now; formatting is left to the writer thread.
    # Step counting keeps the keys of the latest call as one group at one step, so the usual
    # case (the same keys every call) is one set comparison instead of a loop over the keys.

    def log(self, values, step=None, epoch=None):
        """Logs {key: number}. Without `step`, each key counts up from 0 on its own.

        Numbers are int, float, bool (as 0/1), numpy scalars, 0-d arrays and scalar tensors;
        NaN and ±Inf are kept. Anything else raises TypeError naming its key, before any of
        the call is logged.
        """
        t = _time()
        if self.finished:
            raise RuntimeError("trackside: run {} is already finished".format(self.id))
        checked = dict(values)
        if not checked:
            return
        if not _PLAIN.issuperset(map(type, checked.values())):
            checked = {key: metric_number(key, value) for key, value in checked.items()}
        if epoch is not None:
            epoch = _epoch(epoch)
        if step is not None:
            step = _step(step)
        with self._lock:
            if checked.keys() != self._group:
                step = self._regroup(t, checked, step, epoch)
                if step is None:
                    return
            elif step is None:
                step = self._group_step + 1
            self._group_step = step
            self._queue.append((t, step, epoch, checked))
        if len(self._queue) > BACKLOG:
            self._writer.backlog()
        if t > self._writer.deadline:
            self._writer.check()

    def _regroup(self, t, checked, step, epoch):
        """Other keys than last call: settles the old group's counters and starts a new group.

        Returns the step, or None when the keys were at different steps; then it has queued
        one metrics event per distinct step itself.
        """
        for key in checked:
            if type(key) is not str:
                raise TypeError("trackside: metric keys must be strings, got {!r}".format(key))
        counters = self._next_step
        for key in self._group:
            counters[key] = self._group_step + 1
        self._group = frozenset(checked)
        if step is not None:
            return step
        steps = {key: counters.get(key, 0) for key in checked}
        if len(set(steps.values())) == 1:
            return steps.popitem()[1]
        self._group = frozenset()
        by_step = {}
        for key, value in checked.items():
            counters[key] = steps[key] + 1
            by_step.setdefault(steps[key], {})[key] = value
        for s in sorted(by_step):
            self._queue.append((t, s, epoch, by_step[s]))
        return None

    def log_metric(self, key, value, step=None):
        self.log({key: value}, step=step)

    # Everything else: ordinary events, written in the order they were logged.

    def _emit(self, event):
        if self.finished:
            raise RuntimeError("trackside: run {} is already finished".format(self.id))
        line = {"t": int(_time() * 1000)}  # "t" and "type" first: the log stays readable by eye
        line.update(event)
        self._queue.append(line)

    def log_params(self, params):
        """Nested dicts are flattened with "/"; values other than str/number/bool/None become str()."""
        values = flatten_params(params)
        if values:
            self._emit({"type": "params", "values": values})

    def add_tags(self, *tags):
        tags = tag_list(tags)
        if tags:
            self._emit({"type": "tags", "add": tags})

    def remove_tags(self, *tags):
        tags = tag_list(tags)
        if tags:
            self._emit({"type": "tags", "remove": tags})

    def set_note(self, text):
        self._emit({"type": "note", "text": str(text)})

    def log_artifact(self, path, name=None, kind="file"):
        """Stores a file or folder in the blob store; returns its hash (a folder: its manifest's)."""
        source = os.fspath(path)
        digest, size, entries = describe(source, self.blobs.put_file)
        event = {"type": "artifact", "name": name or _base_name(source), "kind": str(kind),
                 "hash": digest, "size": size}
        if os.path.isdir(source):
            event["files"] = entries
        event["source"] = source
        self._emit(event)
        return digest

    def log_image(self, key, image, step=None):
        """A PNG/JPEG/SVG file, or a matplotlib Figure (saved as PNG). Returns the blob hash."""
        if hasattr(image, "savefig"):
            data = figure_png(image)
            digest, size = self.blobs.put_bytes(data)
            fmt = "png"
            width, height = dimensions(fmt, io.BytesIO(data))
        else:
            with open(os.fspath(image), "rb") as f:
                fmt = sniff(f.read(HEAD))
                if fmt is None:
                    raise ValueError("trackside: {} is not a PNG, JPEG or SVG image".format(image))
                f.seek(0)
                width, height = dimensions(fmt, f)
            digest, size = self.blobs.put_file(image)
        with self._lock:
            if step is None:
                step = self._next_image_step.get(key, 0)
            else:
                step = _step(step)
            self._next_image_step[key] = step + 1
        event = {"type": "image", "key": str(key), "step": step, "hash": digest, "format": fmt,
                 "size": size}
        if width is not None:
            event["width"], event["height"] = width, height
        self._emit(event)
        return digest

    def log_dataset(self, path, name=None, columns=None):
        """Hashes a data file or folder in place (nothing is copied); returns the dataset hash.

        A .csv/.tsv file also gets per-column summaries (trackside.columns); columns=False
        skips them, columns=True insists.
        """
        source = os.fspath(path)
        digest, size, entries = describe(source, hash_file)
        event = {"type": "dataset", "name": name or _base_name(source), "path": source,
                 "hash": digest, "size": size, "files": entries}
        summaries = dataset_columns(source, columns)
        if summaries is not None:
            event["columns"] = summaries
        self._emit(event)
        self._datasets.append({"name": event["name"], "hash": digest})
        return digest

    def log_model(self, path, name, inference_code=(), metadata=None):
        """Logs a model version: the weights (file or folder) and the inference/preprocessing
        code as blobs, with metadata and this run's datasets. Returns the version number."""
        from .models import log_model
        return log_model(self, path, name, inference_code=inference_code, metadata=metadata)

    @property
    def model(self):
        """The model version an evaluation run evaluates (init(model=...)), fetched on first use."""
        if self._model is None and self._model_ref is not None:
            from .models import get
            self._model = get(self._model_ref[0], version=self._model_ref[1], root=self.root)
        return self._model

    def log_code(self, *paths):
        """Snapshots source files or folders as blobs; with no paths, the running script."""
        if not paths:
            script = main_script()
            if script is None:
                raise ValueError("trackside: log_code() needs paths when there is no script file")
            paths = (script,)
        root, files = code_files(paths)
        entries = file_entries(files, self.blobs.put_file)
        self._emit({"type": "code", "files": entries, "root": root})
        return entries

    # Ending.

    def finish(self, status="finished"):
        """Flushes and writes the final status. Calling it again does nothing."""
        if status not in FINISH_STATUSES:
            raise ValueError("trackside: status must be one of {}".format(", ".join(FINISH_STATUSES)))
        self._end(status, None)

    def _end(self, status, error):
        with self._end_lock:
            if os.getpid() != self._pid:  # a forked child logs into the run but does not end it
                self._writer.flush()
                return
            if self.finished:
                # Again, from a SIGTERM handler that interrupted finish(): the process ends
                # when this returns, so everything is written now.
                self._writer.close()
                return
            self._writer.flush()  # what went wrong writing so far goes into the status
            problems = self._writer.problems()
            if problems:
                error = "{}\n{}".format(error, problems) if error else problems
            event = {"type": "status", "status": status, "exit_code": None}
            if error:
                event["error"] = error
            self._emit(event)
            self.finished = True
        self._writer.close()
        exit_hooks.forget(self)

    def flush(self):
        """Writes what is queued now instead of at the next tick."""
        self._writer.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        else:
            self._end(*exit_hooks.outcome(exc_type, exc, tb))
        return False


def _step(step):
    try:
        step = operator.index(step)
    except TypeError:
        raise TypeError("trackside: step must be an integer, got {!r}".format(step)) from None
    if step < 0:
        raise ValueError("trackside: step must not be negative, got {}".format(step))
    return step


def _epoch(epoch):
    epoch = metric_number("epoch", epoch)
    if not math.isfinite(epoch):
        raise ValueError("trackside: epoch must be finite, got {!r}".format(epoch))
    return epoch


def _base_name(path):
    return os.path.basename(os.path.normpath(os.path.abspath(path)))
