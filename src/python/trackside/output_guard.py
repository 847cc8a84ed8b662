"""Keeps an editor-started run alive when the editor goes away.

The editor reads the run's output through a pipe. If its window reloads, the pipe closes and
the next print() would raise BrokenPipeError and kill the training. Attached runs wrap stdout
and stderr so that output then goes to the run's files/output.log instead; the reloaded
editor re-attaches to the still-running process.
"""

import errno
import os
import sys

_MAX_FALLBACK_BYTES = 10 * 1024 * 1024


class _GuardedStream:
    def __init__(self, stream, log_path):
        self._stream = stream
        self._log_path = log_path
        self._fallback = None
        self._written = 0

    def _switch(self):
        if self._fallback is None:
            self._fallback = open(self._log_path, "a", encoding="utf-8", errors="replace")
        return self._fallback

    def write(self, text):
        if self._fallback is None:
            try:
                return self._stream.write(text)
            except OSError as e:
                if not isinstance(e, BrokenPipeError) and e.errno != errno.EPIPE:
                    raise
        out = self._switch()
        if self._written < _MAX_FALLBACK_BYTES:
            self._written += len(text)
            out.write(text)
            out.flush()
        return len(text)

    def flush(self):
        if self._fallback is None:
            try:
                self._stream.flush()
            except OSError as e:
                if not isinstance(e, BrokenPipeError) and e.errno != errno.EPIPE:
                    raise
                self._switch()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def guard(run_dir):
    """Wraps sys.stdout and sys.stderr once, for a run the editor started."""
    log_path = os.path.join(run_dir, "files", "output.log")
    if not os.path.isdir(os.path.dirname(log_path)):
        return
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _GuardedStream):
            setattr(sys, name, _GuardedStream(stream, log_path))
