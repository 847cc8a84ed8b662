"""Reading run folders directly, for when there is no index (or it is behind).

Run folders are loaded into an in-memory SQLite database with the index's tables and
columns (those the read API and the query language use), applying events the way the
editor's ingest does, so the same SQL answers both. Points are not kept: a run's metric
history is read from its events.jsonl when asked for.
"""

import errno
import json
import math
import os
import re
import sqlite3
import warnings

from .location import MAX_META
from .regular_file import MAX_LINE, TOO_LONG, UnreadableFile, parse_json, read_lines, read_small
from .statuses import ENDED_STATUSES, RUN_STATUSES

RUN_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
HASH = re.compile(r"^[0-9a-fA-F]{64}$")
_NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

SCHEMA = """
CREATE TABLE runs (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT, experiment TEXT,
  status TEXT NOT NULL DEFAULT 'running', exit_code INTEGER, error TEXT, created INTEGER,
  started INTEGER, ended INTEGER, updated INTEGER, command TEXT, cwd TEXT, script TEXT,
  git_commit TEXT, git_branch TEXT, git_dirty INTEGER, git_diff TEXT, python_executable TEXT,
  python_version TEXT, host TEXT, pid INTEGER, note TEXT, deleted INTEGER NOT NULL DEFAULT 0,
  source TEXT, job TEXT, sweep TEXT);
CREATE TABLE params (rid INTEGER NOT NULL, key TEXT NOT NULL, value TEXT, num REAL, PRIMARY KEY (rid, key));
CREATE TABLE metric_keys (kid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE summaries (rid INTEGER NOT NULL, kid INTEGER NOT NULL, count INTEGER NOT NULL,
  nans INTEGER NOT NULL, min REAL, max REAL, first_step NOT NULL, last_step NOT NULL, last REAL,
  t INTEGER, PRIMARY KEY (rid, kid));
CREATE TABLE tags (rid INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (rid, tag));
CREATE TABLE artifacts (aid INTEGER PRIMARY KEY, rid INTEGER NOT NULL, name TEXT NOT NULL,
  kind TEXT NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL, source TEXT, t INTEGER);
CREATE TABLE artifact_files (aid INTEGER NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
  size INTEGER NOT NULL, PRIMARY KEY (aid, path));
CREATE TABLE datasets (did INTEGER PRIMARY KEY, rid INTEGER NOT NULL, name TEXT NOT NULL,
  path TEXT NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL, columns TEXT, t INTEGER);
CREATE TABLE dataset_files (did INTEGER NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
  size INTEGER NOT NULL, PRIMARY KEY (did, path));
CREATE TABLE code_files (rid INTEGER NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
  size INTEGER NOT NULL, root TEXT, t INTEGER, PRIMARY KEY (rid, path));
"""


def report(path, problem):
    """One run folder that cannot be read (fully) is named, and reading goes on."""
    warnings.warn("trackside: {}: {}".format(path, problem), stacklevel=3)


def run_folders(root):
    """{run id: size of its events.jsonl} for every run folder under <root>/runs."""
    runs = os.path.join(root, "runs")
    found = {}
    try:
        entries = list(os.scandir(runs))
    except FileNotFoundError:
        return found
    except OSError as e:
        report(runs, "cannot list the run folders: {}".format(e.strerror or e))
        return found
    for entry in entries:
        if not RUN_ID.match(entry.name) or len(entry.name) > 200:
            continue
        try:
            if not entry.is_dir():
                continue
        except OSError as e:  # a symlink loop, a folder we may not look into
            report(entry.path, "skipped: {}".format(_why(e)))
            continue
        try:
            found[entry.name] = os.stat(os.path.join(entry.path, "events.jsonl")).st_size
        except OSError:
            if os.path.exists(os.path.join(entry.path, "meta.json")):
                found[entry.name] = 0
    return found


def _why(e):
    return "a symbolic link loop" if e.errno == errno.ELOOP else (e.strerror or str(e))


def _number(x):
    # Integers are at most 64 bits here (parse_json), so isfinite() cannot overflow.
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _text(x):
    """A field that goes into a TEXT column: only a string; anything else is left out."""
    return x if isinstance(x, str) else None


def _integer(x):
    return int(x) if _number(x) and float(x).is_integer() and abs(x) < 2 ** 63 else None


def _metric_values(values):
    if not isinstance(values, dict):
        return None
    out = {}
    for key, v in values.items():
        if isinstance(v, str) and v in _NONFINITE:
            out[key] = _NONFINITE[v]
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[key] = float(v)
        else:
            return None
    return out


def _files(v, required):
    if v is None:
        return not required
    return isinstance(v, list) and all(
        isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("hash"), str)
        and HASH.match(f["hash"]) and _number(f.get("size")) for f in v)


def _valid(e):
    """The checks the editor makes before applying an event (the main ones)."""
    kind = e.get("type")
    if kind == "metrics":
        return _number(e.get("step")) and _metric_values(e.get("values")) is not None
    if kind == "sys":
        return _metric_values(e.get("values")) is not None
    if kind == "run":
        return all(e.get(k) is None or isinstance(e[k], str) for k in ("name", "experiment", "note", "source", "job")) \
            and (e.get("params") is None or isinstance(e["params"], dict)) \
            and (e.get("tags") is None or isinstance(e["tags"], list) and all(isinstance(t, str) for t in e["tags"])) \
            and (e.get("git") is None or isinstance(e["git"], dict))
    if kind == "params":
        return isinstance(e.get("values"), dict)
    if kind == "artifact":
        return isinstance(e.get("name"), str) and isinstance(e.get("kind"), str) and isinstance(e.get("hash"), str) \
            and HASH.match(e["hash"]) is not None and _number(e.get("size")) and _files(e.get("files"), False)
    if kind == "dataset":
        return isinstance(e.get("name"), str) and isinstance(e.get("path"), str) and isinstance(e.get("hash"), str) \
            and HASH.match(e["hash"]) is not None and _number(e.get("size")) and _files(e.get("files"), True)
    if kind == "code":
        return _files(e.get("files"), True)
    if kind == "tags":
        return all(e.get(k) is None or isinstance(e[k], list) for k in ("add", "remove"))
    if kind == "note":
        return isinstance(e.get("text"), str)
    if kind == "rename":
        return isinstance(e.get("name"), str)
    if kind == "status":
        return e.get("status") in RUN_STATUSES
    if kind == "deleted":
        return isinstance(e.get("deleted"), bool)
    return kind == "image"


def read_events(run_dir):
    """The run's events in log order. Bad lines (not JSON, or over MAX_LINE bytes, which are
    skipped without being read whole) are reported, events that do not check out are
    skipped, and a torn last line waits; an events.jsonl that is not a regular file is
    reported and read as empty."""
    path = os.path.join(run_dir, "events.jsonl")
    bad = too_long = 0
    try:
        for line in read_lines(path):
            if line is TOO_LONG:
                too_long += 1
                continue
            if not line.strip():
                continue
            try:
                e = parse_json(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(e, dict) and isinstance(e.get("type"), str) and _number(e.get("t")) and _valid(e):
                yield e
    except UnreadableFile as e:
        report(path, "not read: {}".format(e.reason))
    if bad or too_long:
        longer = " ({} longer than {} MB)".format(too_long, MAX_LINE >> 20) if too_long else ""
        report(path, "skipped {} bad line{}{}".format(bad + too_long, "" if bad + too_long == 1 else "s", longer))


def read_points(run_dir, key):
    """[(step, value, t ms, epoch)] of one metric, in step order; every value is kept, several
    at one step in logged order."""
    points = []
    sys_key = key[4:] if key.startswith("sys/") else None
    sys_step = 0
    for e in read_events(run_dir):
        if e["type"] == "metrics":
            values = _metric_values(e["values"])
            if key in values:
                points.append((e["step"], values[key], e["t"], e.get("epoch")))
        elif e["type"] == "sys":
            if sys_key is not None and sys_key in e["values"]:
                points.append((sys_step, _metric_values(e["values"])[sys_key], e["t"], None))
            sys_step += 1
    points.sort(key=lambda p: p[0])  # stable: logged order within a step
    return points


def _created(run_dir):
    data = read_small(os.path.join(run_dir, "meta.json"), MAX_META)
    try:
        created = parse_json(data).get("created") if data is not None else None
    except (ValueError, AttributeError):
        return None
    if _number(created):
        return int(round(created * 1000)) if created < 1e11 else created
    return None


def memory_index(root, ids):
    """An in-memory database holding the given run folders. Each run is loaded in isolation:
    one that fails is reported by path and listed bare, and every other run still loads."""
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.executescript(SCHEMA)
    kids = {}
    db.execute("BEGIN")
    for run_id in sorted(ids):
        run_dir = os.path.join(root, "runs", run_id)
        db.execute("SAVEPOINT run")
        known = dict(kids)
        try:
            _load_run(db, kids, run_id, run_dir)
        except Exception as e:
            db.execute("ROLLBACK TO run")
            kids.clear()
            kids.update(known)
            report(run_dir, "listed without its events: {!r}".format(e))
            db.execute("INSERT INTO runs (id) VALUES (?)", (run_id,))
        db.execute("RELEASE run")
    db.execute("COMMIT")
    return db


def _kid(db, kids, key):
    if key not in kids:
        kids[key] = db.execute("INSERT INTO metric_keys (key) VALUES (?)", (key,)).lastrowid
    return kids[key]


def _nan_none(x):
    return None if x != x else x


def _load_run(db, kids, run_id, run_dir):
    rid = db.execute("INSERT INTO runs (id, created) VALUES (?, ?)", (run_id, _created(run_dir))).lastrowid
    row = {}
    params = {}
    tags = []
    series = {}  # key -> [(step, value, t)] in logged order
    sys_step = 0
    first_t = None
    last_t = None
    for e in read_events(run_dir):
        t = e["t"]
        first_t = t if first_t is None else first_t
        last_t = t if last_t is None else max(last_t, t)
        kind = e["type"]
        if kind == "metrics":
            for key, v in _metric_values(e["values"]).items():
                series.setdefault(key, []).append((e["step"], v, t))
        elif kind == "sys":
            for key, v in _metric_values(e["values"]).items():
                series.setdefault("sys/" + key, []).append((sys_step, v, t))
            sys_step += 1
        elif kind == "run":
            for col in ("name", "experiment", "cwd", "script", "host", "source", "job"):
                if _text(e.get(col)) is not None:
                    row[col] = e[col]
            if _integer(e.get("pid")) is not None:
                row["pid"] = _integer(e["pid"])
            if e.get("command") is not None:
                row["command"] = json.dumps(e["command"])
            git = e.get("git") or {}
            for src, col in (("commit", "git_commit"), ("branch", "git_branch"), ("diff", "git_diff")):
                if _text(git.get(src)) is not None:
                    row[col] = git[src]
            if isinstance(git.get("dirty"), bool):
                row["git_dirty"] = 1 if git["dirty"] else 0
            py = e.get("python") or {}
            for src, col in (("executable", "python_executable"), ("version", "python_version")):
                if isinstance(py, dict) and _text(py.get(src)) is not None:
                    row[col] = py[src]
            if isinstance(e.get("note"), str):
                row["note"] = e["note"] or None
            sweep = e.get("sweep")
            if isinstance(sweep, dict) and isinstance(sweep.get("name"), str):
                row["sweep"] = sweep["name"]
            params.update(e.get("params") or {})
            for tag in e.get("tags") or ():
                if tag not in tags:
                    tags.append(tag)
        elif kind == "params":
            params.update(e["values"])
        elif kind == "status":
            row["status"] = e["status"]
            row["exit_code"] = _integer(e.get("exit_code"))
            row["error"] = e.get("error") if isinstance(e.get("error"), str) else None
            row["ended"] = t if e["status"] in ENDED_STATUSES else None
        elif kind == "tags":
            for tag in e.get("add") or ():
                if isinstance(tag, str) and tag not in tags:
                    tags.append(tag)
            for tag in e.get("remove") or ():
                if tag in tags:
                    tags.remove(tag)
        elif kind == "note":
            row["note"] = e["text"] or None
        elif kind == "rename":
            row["name"] = e["name"]
        elif kind == "deleted":
            row["deleted"] = 1 if e["deleted"] else 0
        elif kind == "artifact":
            aid = db.execute("INSERT INTO artifacts (rid, name, kind, hash, size, source, t) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (rid, e["name"], e["kind"], e["hash"].lower(), e["size"], _text(e.get("source")), t)).lastrowid
            for f in e.get("files") or ():
                db.execute("INSERT OR REPLACE INTO artifact_files VALUES (?, ?, ?, ?)", (aid, f["path"], f["hash"].lower(), f["size"]))
        elif kind == "dataset":
            columns = None if e.get("columns") is None else json.dumps(e["columns"])
            did = db.execute("INSERT INTO datasets (rid, name, path, hash, size, columns, t) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (rid, e["name"], e["path"], e["hash"].lower(), e["size"], columns, t)).lastrowid
            for f in e["files"]:
                db.execute("INSERT OR REPLACE INTO dataset_files VALUES (?, ?, ?, ?)", (did, f["path"], f["hash"].lower(), f["size"]))
        elif kind == "code":
            for f in e["files"]:
                db.execute("INSERT OR REPLACE INTO code_files VALUES (?, ?, ?, ?, ?, ?)",
                           (rid, f["path"], f["hash"].lower(), f["size"], _text(e.get("root")), t))
    if first_t is not None:
        row["started"] = first_t
        row["updated"] = last_t
    if row:
        cols = sorted(row)
        db.execute("UPDATE runs SET {} WHERE rid = ?".format(", ".join("{} = ?".format(c) for c in cols)),
                   [row[c] for c in cols] + [rid])
    for key, value in params.items():
        num = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if isinstance(value, float) and not math.isfinite(value):
            value = num = None
        db.execute("INSERT INTO params VALUES (?, ?, ?, ?)", (rid, key, json.dumps(value, separators=(",", ":")), num))
    for tag in tags:
        db.execute("INSERT INTO tags VALUES (?, ?)", (rid, tag))
    for key, points in series.items():
        values = [v for _, v, _ in points]
        finite = [v for v in values if v == v]
        first_step = min(step for step, _, _ in points)
        last_step = max(step for step, _, _ in points)
        last_value = [v for step, v, _ in points if step == last_step][-1]  # the latest logged there
        db.execute("INSERT INTO summaries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (rid, _kid(db, kids, key), len(points), len(values) - len(finite), min(finite) if finite else None,
                    max(finite) if finite else None, first_step, last_step, _nan_none(last_value),
                    max(t for _, _, t in points)))
