"""Content-addressed blob store (<root>/blobs/sha256/ab/cdef...) and file hashing."""

import hashlib
import os
import re
import tempfile

CHUNK = 1 << 20

# Never part of a code snapshot: VCS data, caches, environments, and Trackside's own store.
CODE_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".trackside", "__pycache__", "node_modules", ".venv", "venv",
     ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", ".tox"}
)


_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")


class BlobStore:
    def __init__(self, root, on_error=None):
        """on_error(OSError): called instead of raising when the store cannot be written
        (a run goes on without the copy); reading a source file still raises."""
        self.dir = os.path.join(root, "blobs", "sha256")
        self._on_error = on_error

    def path(self, digest):
        """Where a blob lives. Only a SHA-256 digest names one: anything else read from a
        record (a tampered registry file) must not lead to another file."""
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            raise ValueError("trackside: {!r} is not a SHA-256 digest".format(digest))
        digest = digest.lower()
        return os.path.join(self.dir, digest[:2], digest[2:])

    def put_file(self, path):
        """Copies a file in while hashing it, chunk by chunk. Returns (digest, size)."""
        with open(path, "rb") as src:
            return self._put(iter(lambda: src.read(CHUNK), b""))

    def put_bytes(self, data):
        return self._put([data])

    def _put(self, chunks):
        h = hashlib.sha256()
        size = 0
        dst = tmp = None
        failed = None
        try:
            try:
                os.makedirs(self.dir, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
                dst = os.fdopen(fd, "wb")
            except OSError as e:
                failed = e
            for chunk in chunks:  # errors reading the source are the caller's: they propagate
                h.update(chunk)
                size += len(chunk)
                if dst is not None:
                    try:
                        dst.write(chunk)
                    except OSError as e:  # disk full: hash the rest, keep no copy
                        failed = e
                        dst = _discard(dst, tmp)
                        tmp = None
            digest = h.hexdigest()
            if dst is not None:
                try:
                    dst.close()
                    dst = None
                    final = self.path(digest)
                    if os.path.exists(final):
                        os.unlink(tmp)
                    else:
                        os.makedirs(os.path.dirname(final), exist_ok=True)
                        os.chmod(tmp, 0o644)  # mkstemp makes 0600; blobs are ordinary shared files
                        os.replace(tmp, final)
                    tmp = None
                except OSError as e:
                    failed = e
        finally:
            _discard(dst, tmp)
        if failed is not None:
            if self._on_error is None:
                raise failed
            self._on_error(failed)
        return digest, size


def _discard(dst, tmp):
    """Closes and removes an unfinished temp file, quietly; returns None."""
    if dst is not None:
        try:
            dst.close()
        except OSError:
            pass
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return None


def hash_file(path):
    """(sha256 hex, size) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def list_files(path, skip_dirs=frozenset()):
    """[(relative POSIX path, absolute path)] of a file or every file under a folder, sorted."""
    path = os.path.abspath(path)
    if not os.path.isdir(path):
        if not os.path.isfile(path):
            raise FileNotFoundError("trackside: no such file or folder: {}".format(path))
        return [(os.path.basename(path), path)]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in skip_dirs]
        for name in files:
            full = os.path.join(folder, name)
            if os.path.isfile(full):
                found.append((os.path.relpath(full, path).replace(os.sep, "/"), full))
    found.sort()
    return found


def code_files(paths):
    """(root, [(relative POSIX path, absolute path)]) of source files or folders, sorted: paths
    are relative to the working directory, or else to the folder holding them all."""
    absolute = [os.path.abspath(os.fspath(p)) for p in paths]
    root = os.getcwd()
    if any(os.path.commonpath([root, p]) != root for p in absolute):
        root = os.path.commonpath(absolute)
        if os.path.isfile(root):
            root = os.path.dirname(root)
    found = {}
    for path in absolute:
        for _rel, full in list_files(path, CODE_SKIP_DIRS):
            found[os.path.relpath(full, root).replace(os.sep, "/")] = full
    return root, sorted(found.items())


def file_entries(files, digest_of):
    """FileEntry dicts for [(rel, abs)], each hashed (and maybe stored) by digest_of(abs)."""
    entries = []
    for rel, full in files:
        digest, size = digest_of(full)
        entries.append({"path": rel, "hash": digest, "size": size})
    return entries


def describe(path, digest_of):
    """(hash, total size, entries) of a file or folder; a folder's hash is its manifest hash."""
    entries = file_entries(list_files(path), digest_of)
    digest = manifest_hash(entries) if os.path.isdir(path) else entries[0]["hash"]
    return digest, sum(e["size"] for e in entries), entries


def manifest_hash(entries):
    """SHA-256 of the sorted "hash  size  path" lines, each ending in a newline."""
    lines = sorted("{}  {}  {}\n".format(e["hash"], e["size"], e["path"]) for e in entries)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
