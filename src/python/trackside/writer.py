"""The background writer: log() only enqueues, this thread turns the queue into lines.

Queue items are either an event dict (already JSON-ready, "t" in ms) or, for the hot path,
a metrics tuple (time.time(), step, epoch, values) that is only formatted here.
"""

import collections
import json
import os
import sys
import threading

from .values import json_metric_values

FLUSH_INTERVAL = 0.25  # seconds; a SIGKILL loses at most about this much (contract: 0.5 s)
MAX_WRITE = 4 << 20  # about this many characters per write(): a long backlog is not one huge string

_encode = json.JSONEncoder(allow_nan=False, separators=(",", ":"), ensure_ascii=False).encode


class EventWriter:
    def __init__(self, path):
        self.queue = collections.deque()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._flush_lock = threading.RLock()  # a SIGTERM handler may flush mid-flush
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="trackside-writer", daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.wait(FLUSH_INTERVAL):
            self.flush()

    def flush(self):
        """Writes everything queued so far, complete lines only, in as few writes as possible."""
        queue = self.queue
        with self._flush_lock:
            if self._fd is None:
                return
            parts = []
            size = 0
            while queue:
                line = _safe_line(queue.popleft())
                parts.append(line)
                size += len(line)
                if size >= MAX_WRITE:
                    self._write("".join(parts))
                    parts = []
                    size = 0
            if parts:
                self._write("".join(parts))

    def _write(self, text):
        data = text.encode("utf-8")
        while data:
            written = os.write(self._fd, data)
            data = data[written:]

    def close(self):
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.flush()
        with self._flush_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def _safe_line(item):
    # Everything is checked when logged; this only keeps one bad event from stopping the thread.
    try:
        return _line(item)
    except Exception as e:
        sys.stderr.write("trackside: dropped an event that could not be written: {}\n".format(e))
        return ""


def _line(item):
    if type(item) is not tuple:
        return _encode(item) + "\n"
    t, step, epoch, values = item
    try:
        encoded = _encode(values)
    except ValueError:  # NaN or ±Inf somewhere: written as strings
        encoded = _encode(json_metric_values(values))
    if epoch is None:
        return '{"t":%d,"type":"metrics","step":%d,"values":%s}\n' % (t * 1000, step, encoded)
    return '{"t":%d,"type":"metrics","step":%d,"epoch":%s,"values":%s}\n' % (
        t * 1000, step, _encode(epoch), encoded)
