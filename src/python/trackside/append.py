"""Appending whole lines to a JSON-lines log that other processes append to as well.

Every writer of the client goes through append_lines(): the run's event log and the model
registry's alias log. Three rules keep each line whole:
- the look at the last byte and the write happen under an advisory lock (flock, where the
  system has it): while another process's long write is under way, the file's size already
  shows part of it, and the look would take that for a torn line and add a blank line;
- a log that ends in a torn line (a writer died mid-line) gets a "\\n" first, so the fragment
  stays one bad line and the new first line is not glued to it and lost;
- a write that fails part-way (disk full) is cut back to its last whole line, so the log never
  ends torn because of us; the caller keeps the rest and tries again later.
"""

import os

try:
    import fcntl
except ImportError:  # Windows: no flock; a look during another's write may add a blank line
    fcntl = None


class PartialAppend(OSError):
    """The append failed after `kept` bytes of the data (whole lines) reached the file."""

    def __init__(self, cause, kept):
        super().__init__(cause.errno, cause.strerror, cause.filename)
        self.cause = cause
        self.kept = kept


def open_log(path):
    """A descriptor for appending to path (created 0644 less the umask); read access is
    needed to look at the last byte."""
    return os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)


def _ends_torn(fd, size):
    if size == 0:
        return False
    try:
        return os.pread(fd, 1, size - 1) != b"\n"
    except OSError:
        return False  # cannot tell: better one line glued than none written


def _lock(fd):
    """True when fd now holds the log's lock."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    except OSError:
        return False  # no locks here (some network file systems): append as before


def append_lines(fd, data):
    """Appends `data` (bytes of whole lines, each ending in "\\n"). Raises PartialAppend
    (an OSError) telling how many bytes of data are safely in the file when a write fails.

    A descriptor shared with a forked process shares its lock: each process opens its own."""
    locked = _lock(fd)
    try:
        return _append_locked(fd, data)
    finally:
        if locked:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _append_locked(fd, data):
    start = os.fstat(fd).st_size
    prefix = b"\n" if _ends_torn(fd, start) else b""
    buf = memoryview(prefix + data) if prefix else memoryview(data)
    written = 0
    try:
        while written < len(buf):
            written += os.write(fd, buf[written:])
    except OSError as e:
        whole = bytes(buf[:written]).rfind(b"\n") + 1
        if whole < written:
            _cut_back(fd, start + written, start + whole)
        raise PartialAppend(e, max(0, whole - len(prefix))) from None
    return len(data)


def _cut_back(fd, expected_end, end):
    # Only when the file ends where our write ended: another writer's line is never cut.
    try:
        if os.fstat(fd).st_size == expected_end:
            os.ftruncate(fd, end)
    except OSError:
        pass  # the fragment stays a bad line; the next append starts a new line after it


def append_line(path, data):
    """One line (bytes ending in "\\n") appended to the log at path, in one write."""
    fd = open_log(path)
    try:
        append_lines(fd, data)
    finally:
        os.close(fd)
