"""The background writer: log() only enqueues, this thread turns the queue into lines.

Queue items are either an event dict (already JSON-ready, "t" in ms) or, for the hot path,
a metrics tuple (time.time(), step, epoch, values) that is only formatted here.

Only this thread formats and writes. Other threads (log() at its backlog, flush(), finish(),
a SIGTERM handler) ask it to and wait, so a signal arriving in the main thread never finds
events half-way between the queue and the file. Asking and waiting use raw locks only: a
signal handler may ask again while the interrupted code is in the middle of asking (a
threading.Event or Condition would deadlock on its own internal lock there).

When the log cannot be written (disk full, read-only or deleted folder), what could not be
written is kept in memory, in order, and written when it can; the script only sees one
warning on stderr.
"""

import _thread
import collections
import json
import os
import sys
import threading
import time

from . import forks
from .append import PartialAppend, append_lines, open_log
from .values import json_metric_values

FLUSH_INTERVAL = 0.1  # seconds between rounds; what a SIGKILL loses stays well under 0.5 s
BATCH = 256  # queue items formatted together: their metric values go through one encoder call
MAX_WRITE = 1 << 16  # about this many characters per write(): lines reach the file while a long backlog is formatted
MAX_PENDING = 64 << 20  # bytes kept while the log cannot be written; newer events are dropped beyond
STALE = 1.0  # seconds without a round after which log() looks at whether the thread still runs
WAIT = 10.0  # seconds a caller waits for a round before it stops waiting on a stuck writer

_encode = json.JSONEncoder(allow_nan=False, separators=(",", ":"), ensure_ascii=False).encode
_time = time.time


class EventWriter:
    def __init__(self, path, prepare=None):
        """prepare(): makes the folder the log lives in (again, if it was deleted)."""
        self.path = path
        self.queue = collections.deque()
        self.deadline = _time() + STALE  # renewed by each round; log() compares its clock with it
        self._prepare = prepare
        self._pending = collections.deque()  # encoded chunks of whole lines not yet in the file
        self._pending_bytes = 0
        self._dropped = 0  # lines dropped while _pending was full
        self._problems = []  # what went wrong, for the final status
        self._warned = set()
        self._fd = None
        self._file_id = None
        self._closed = False
        self._stalled = False
        self._thread = None
        self._new_sync()
        self._start()
        forks.watch(self)

    def _new_sync(self):
        self._lock = threading.RLock()  # one round at a time
        self._wake = _thread.allocate_lock()  # held while no round is asked for
        self._wake.acquire()
        self._waiting = []  # (round asked for, raw lock released when it is done)
        self._requested = 0
        self._stop = False

    def _start(self):
        thread = threading.Thread(target=self._loop, name="trackside-writer", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had (a process at its limit): callers write
            self._thread = None
            return False
        self._thread = thread
        return True

    def _alive(self):
        return self._thread is not None and self._thread.is_alive()

    def _loop(self):
        tick = _time()
        while True:
            now = _time()
            self.deadline = now + STALE
            # A round every interval, counted from the last one's start (so a slow round is
            # not followed by a whole interval more), or at once when asked.
            tick = max(tick + FLUSH_INTERVAL, now)
            self._wake.acquire(timeout=max(0.0, tick - now))
            asked = self._requested
            stop = self._stop
            try:
                self._drain()
            except Exception as e:  # never the end of the thread: the next round tries again
                self._problem("writer", "writing {} failed: {!r}".format(self.path, e), note=True)
            self._stalled = False
            for waiter in [w for w in self._waiting if w[0] <= asked]:
                try:
                    self._waiting.remove(waiter)
                except ValueError:
                    pass
                waiter[1].release()
            if stop:
                return

    def _ask(self):
        try:
            self._wake.release()
        except RuntimeError:
            pass  # a round is asked for already

    # Asked by other threads.

    def flush(self):
        """Returns once what was queued before the call is written (or kept, when it cannot be)."""
        if self._thread is threading.current_thread():
            self._drain()
            return
        if not self._alive():
            self._revive()
            if not self._alive():
                self._drain()
                return
        done = _thread.allocate_lock()
        done.acquire()
        target = self._requested + 1
        self._requested = target
        self._waiting.append((target, done))  # before asking: the round asked for sees it
        self._ask()
        waited = 0.0
        while not done.acquire(timeout=0.25):
            waited += 0.25
            if not self._alive():
                return  # the writer ended (closed) before this round
            if waited >= WAIT:
                self._stalled = True  # stuck in a write (a hung network disk?): stop waiting on it
                return

    def backlog(self):
        """log() found a long queue: the caller waits for the writer instead of writing, which
        bounds the queue, the memory and what a SIGKILL loses."""
        if not self._stalled:
            self.flush()

    def check(self):
        """log() found no round for STALE seconds: a busy writer is left alone, a dead one replaced."""
        self.deadline = _time() + STALE
        if not self._alive():
            self._revive()
            if not self._alive():
                self._drain()

    def _revive(self):
        if self._closed:
            return
        if self._thread is not None:
            self._problem("thread", "the writer thread of {} had stopped; a new one took over".format(self.path),
                          note=True)
        self._start()

    def close(self):
        """Writes everything, then closes the log. Calling it again waits for the same end."""
        self._stop = True
        self._ask()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(WAIT)
            if thread.is_alive():
                self._say("gave up waiting for the writer thread of {}".format(self.path))
                return
        with self._lock:
            if self._closed:
                return
            self._drain()
            if self._pending_bytes or self._dropped:
                lines = sum(chunk.count(b"\n") for chunk in self._pending) + self._dropped
                self._say("{} events of {} could not be written: {}".format(
                    lines, self.path, "; ".join(self._problems) or "unknown error"))
            self._closed = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def store_failed(self, e):
        """The blob store could not keep a file (artifact, image, code): the run goes on."""
        reason = e.strerror or str(e)
        self._problem(("errno", e.errno), "cannot store a copy of a logged file in the blob store: {}. The run goes "
                                          "on; the file's hash is recorded, its copy is missing".format(reason),
                      note="could not store logged files: {}".format(reason))

    def problems(self):
        """What went wrong while writing, as one text for the run's final status, or None."""
        found = list(self._problems)
        if self._dropped:
            found.append("{} events were dropped while the log could not be written".format(self._dropped))
        return "trackside: " + "; ".join(found) if found else None

    # The writer's own work.

    def _drain(self):
        """Writes what is queued now, complete lines only, in writes of about MAX_WRITE."""
        with self._lock:
            if self._closed:
                return
            queue = self.queue
            parts = []
            size = 0
            left = len(queue)
            while left:
                n = min(left, BATCH)
                left -= n
                text = _lines([queue.popleft() for _ in range(n)])
                parts.append(text)
                size += len(text)
                if size >= MAX_WRITE:
                    self._send("".join(parts).encode("utf-8"))
                    parts = []
                    size = 0
            self._send("".join(parts).encode("utf-8"))

    def _send(self, data):
        if self._closed:
            return
        if data:
            if self._pending_bytes >= MAX_PENDING:
                self._dropped += data.count(b"\n")
                self._problem("dropped", "more than {} MB of {} could not be written; newer events are dropped "
                                         "until it can be".format(MAX_PENDING >> 20, self.path))
            else:
                self._pending.append(data)
                self._pending_bytes += len(data)
        while self._pending:
            if not self._ready():
                return
            chunk = self._pending[0]
            try:
                append_lines(self._fd, chunk)
            except OSError as e:
                kept = e.kept if isinstance(e, PartialAppend) else 0
                if kept:
                    self._pending[0] = chunk[kept:]
                    self._pending_bytes -= kept
                self._write_failed(e.cause if isinstance(e, PartialAppend) else e)
                return
            self._pending.popleft()
            self._pending_bytes -= len(chunk)

    def _ready(self):
        """An open log that is still the one at self.path; (re)made when it is not."""
        if self._fd is not None:
            try:
                st = os.stat(self.path)
                if (st.st_dev, st.st_ino) == self._file_id:
                    return True
            except FileNotFoundError:
                pass
            except OSError:
                return True  # cannot look (permissions?): keep writing where we write
            self._problem("deleted", "the run folder {} was deleted while the run was going; the rest of "
                                     "the run goes to a new one".format(os.path.dirname(self.path)), note=True)
            os.close(self._fd)
            self._fd = None
        try:
            if self._prepare is not None:
                self._prepare()
            self._fd = open_log(self.path)
            st = os.fstat(self._fd)
            self._file_id = (st.st_dev, st.st_ino)
            return True
        except OSError as e:
            self._write_failed(e)
            return False

    def _write_failed(self, e):
        reason = e.strerror or str(e)
        self._problem(("errno", e.errno), "cannot write {}: {}. Logging goes on: the events are kept and written "
                                          "when it can be".format(self.path, reason),
                      note="could not write {}: {}".format(self.path, reason))

    def _problem(self, key, warning, note=None):
        """One warning per kind of problem (key); `note` (True: the warning) goes into the
        final status, once."""
        note = warning if note is True else note
        if note and note not in self._problems:
            self._problems.append(note)
        if key not in self._warned:
            self._warned.add(key)
            self._say(warning)

    def _say(self, text):
        try:
            sys.stderr.write("trackside: {}\n".format(text))
            sys.stderr.flush()
        except Exception:
            pass  # no usable stderr: the final status still says it

    def _after_fork_in_child(self):
        """The child logs into the same file through a descriptor of its own (the inherited one
        would share the parent's lock); the parent's queue, pending lines and thread are the
        parent's."""
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        self.queue.clear()
        self._pending.clear()
        self._pending_bytes = 0
        self._new_sync()
        if self._closed:
            return
        self._start()
        forks.flush_at_child_exit(self)


def _lines(items):
    """The lines of queue items. The metrics values of all of them are encoded by one call (the
    floats' text is most of the work, and one call saves the encoder's setup per line); each
    line then only places its part. Anything unusual (NaN, a key holding "},{") goes line by line."""
    parts = _values_text([item[3] for item in items if type(item) is tuple])
    if parts is not None:
        part = iter(parts).__next__
        try:
            return "".join([
                (_METRICS % (item[0] * 1000, item[1], part()) if item[2] is None else _metrics_line(item, part()))
                if type(item) is tuple else _safe_line(item)
                for item in items])
        except Exception:
            pass  # an odd step or epoch: line by line drops only its event, and says why
    return "".join([_safe_line(item) for item in items])


# The values' JSON goes in without its braces (as _values_text cuts it).
_METRICS = '{"t":%d,"type":"metrics","step":%d,"values":{%s}}\n'
_METRICS_EPOCH = '{"t":%d,"type":"metrics","step":%d,"epoch":%s,"values":{%s}}\n'


def _values_text(values):
    """Each dict's JSON without its braces, or None when they cannot be told apart this way."""
    if not values:
        return []
    try:
        text = _encode(values)
    except Exception:  # NaN (ValueError), or anything else: line by line says which event
        return None
    parts = text[2:-2].split("},{")
    return parts if len(parts) == len(values) else None


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
    try:
        encoded = _encode(item[3])
    except ValueError:  # NaN or ±Inf somewhere (or an int too long for JSON): written as strings
        encoded = _encode(json_metric_values(item[3]))
    return _metrics_line(item, encoded[1:-1])


def _metrics_line(item, values):
    """The line of a metrics tuple, given its values' JSON without the braces."""
    t, step, epoch, _ = item
    if epoch is None:
        return _METRICS % (t * 1000, step, values)
    return _METRICS_EPOCH % (t * 1000, step, _encode(epoch), values)
