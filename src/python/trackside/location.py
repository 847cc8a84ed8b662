"""Where runs live: the .trackside root, run ids, run folders and meta.json."""

import json
import os
import secrets
import time

from .regular_file import read_small

META_VERSION = 1
MAX_META = 1 << 20


def find_root(cwd=None):
    """TRACKSIDE_HOME if set, else the nearest .trackside/ walking up from cwd, else ./.trackside."""
    home = os.environ.get("TRACKSIDE_HOME")
    if home:
        return os.path.abspath(home)
    start = os.path.abspath(cwd or os.getcwd())
    folder = start
    while True:
        candidate = os.path.join(folder, ".trackside")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(start, ".trackside")
        folder = parent


def root_of_run_dir(run_dir):
    """<root>/runs/<id> -> <root>; a run folder elsewhere uses the usual root lookup."""
    parent = os.path.dirname(os.path.abspath(run_dir))
    if os.path.basename(parent) == "runs":
        return os.path.dirname(parent)
    return find_root()


def new_run_id(now):
    return "{}-{}".format(time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)), secrets.token_hex(3))


def create_run_dir(root, now):
    """Makes <root>/runs/<new id>/ and returns (id, path)."""
    runs = os.path.join(root, "runs")
    os.makedirs(runs, exist_ok=True)
    while True:
        run_id = new_run_id(now)
        path = os.path.join(runs, run_id)
        try:
            os.mkdir(path)
            return run_id, path
        except FileExistsError:
            continue


def meta_id(run_dir):
    """The id in the folder's meta.json, or None (missing, not a regular file, not JSON)."""
    data = read_small(os.path.join(run_dir, "meta.json"), MAX_META)
    try:
        existing = json.loads(data.decode("utf-8")).get("id") if data is not None else None
    except (ValueError, AttributeError):
        return None
    return existing if isinstance(existing, str) and existing else None


def ensure_meta(run_dir, run_id, now):
    """Returns the id in meta.json, writing the file (atomically) if it is not there yet."""
    path = os.path.join(run_dir, "meta.json")
    existing = meta_id(run_dir)
    if existing is not None:
        return existing
    meta = {"version": META_VERSION, "id": run_id, "created": int(now * 1000)}
    tmp = "{}.{}.tmp".format(path, os.getpid())
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(meta, f)
            f.write("\n")
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):  # a full disk: no half-written temp file left in the run folder
            os.unlink(tmp)
        raise
    return run_id


def folder_maker(run_dir, run_id, now):
    """What the writer runs whenever the run folder is missing: makes it and its meta.json."""
    def make():
        os.makedirs(run_dir, exist_ok=True)
        ensure_meta(run_dir, run_id, now)
    return make
