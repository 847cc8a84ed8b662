"""Reading files found in run folders and the model registry, which anyone may have put there.

Only regular files are read: a FIFO would block the open, a device (a symlink to /dev/zero)
could be endless, a directory or a symlink loop fails in ways that do not name the file.
Reading is bounded: a line longer than MAX_LINE is streamed past, never held; a file is
read up to the size it had when it was opened.
"""

import errno
import json
import os
import stat

MAX_LINE = 16 * 1024 * 1024  # bytes, without the "\n"; no event is this long (as the editor's reader)
CHUNK = 1 << 20
TOO_LONG = None  # what read_lines yields for a line over the limit

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class UnreadableFile(OSError):
    """Anything but a regular file where one was expected, or one that cannot be opened."""

    def __init__(self, path, reason):
        super().__init__("{}: {}".format(path, reason))
        self.path = path
        self.reason = reason


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _reason(e):
    if e.errno == errno.ELOOP:
        return "a symbolic link loop"
    return e.strerror or str(e)


def open_regular(path):
    """(fd, size) of a regular file opened for reading (symbolic links followed), or None
    when there is no such file. Raises UnreadableFile for anything else."""
    try:
        # O_NONBLOCK: opening a FIFO returns at once (and is refused below) instead of waiting.
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise UnreadableFile(path, _reason(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(path, "{}, not a regular file".format(_kind(st.st_mode)))
        return fd, st.st_size
    except BaseException:
        os.close(fd)
        raise


def read_small(path, max_bytes):
    """The bytes of a small regular file, or None when it is missing, not a regular file,
    unreadable or larger than max_bytes (meta.json, registry records)."""
    try:
        opened = open_regular(path)
    except OSError:
        return None
    if opened is None:
        return None
    fd, size = opened
    try:
        if size > max_bytes:
            return None
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_lines(path, max_line=MAX_LINE):
    """Yields each complete line of a regular file (bytes without "\\n"), or TOO_LONG for a
    line over max_line bytes; a torn last line (no "\\n" yet) is not yielded. Nothing when
    the file is missing; UnreadableFile when it is not a regular file or reading fails."""
    opened = open_regular(path)
    if opened is None:
        return
    fd, size = opened
    try:
        pos = 0
        held = b""  # the start of a line not complete yet
        skipping = False  # inside a line already reported as too long
        while pos < size:
            try:
                chunk = os.pread(fd, min(CHUNK, size - pos), pos)
            except OSError as e:
                raise UnreadableFile(path, _reason(e)) from None
            if not chunk:
                break
            pos += len(chunk)
            pieces = chunk.split(b"\n")
            rest = pieces.pop()
            for piece in pieces:
                if skipping:
                    skipping = False
                    continue
                if held:
                    piece = held + piece
                    held = b""
                yield piece if len(piece) <= max_line else TOO_LONG
            if not skipping:
                if len(held) + len(rest) > max_line:
                    held = b""
                    skipping = True
                    yield TOO_LONG
                else:
                    held += rest
    finally:
        os.close(fd)


def _json_int(text):
    """Integers as JavaScript reads them: beyond 64 bits they become floats, beyond float
    range ±inf (never an OverflowError later, nor a SQLite binding error)."""
    if len(text) < 19:
        return int(text)
    if len(text) <= 20:
        n = int(text)
        if -(1 << 63) <= n < (1 << 63):
            return n
    return float(text)


_decoder = json.JSONDecoder(parse_int=_json_int)


def parse_json(data):
    """A JSON value from bytes (UTF-8), numbers as the editor reads them. Raises ValueError."""
    return _decoder.decode(data.decode("utf-8"))
