"""Reading runs back, read-only: trackside.runs() and trackside.get_run().

    best = trackside.runs(where="status = finished and params.opt = adam",
                          order_by="-metrics.val/acc.max", limit=1)[0]
    best.download_artifact("model", "deploy/model")
    shutil.copy(best.code_path("serve.py"), "deploy/")

The index (<root>/index.db) is opened read-only. Runs it does not hold yet, or holds an
older state of (a run still being written, runs made while the editor was closed), are read
from their run folders; with no index at all every run folder is read.
"""

import json
import os
import secrets
import shutil
import sqlite3
from urllib.request import pathname2url

from . import read_folders
from .blobs import BlobStore
from .location import find_root
from .query import QueryError, compile_query, resolve_field

_ORDER = {
    "started": "coalesce(r.started, r.created)",
    "ended": "r.ended",
    "updated": "r.updated",
    "name": "coalesce(r.name, r.id) COLLATE NOCASE",
    "experiment": "r.experiment COLLATE NOCASE",
    "status": "r.status",
    "duration": "(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))",
    "id": "r.id",
}
_NOCASE = {"name", "experiment"}
_ROW = """r.rid, r.id, r.name, r.experiment, r.status, r.exit_code, r.error,
  coalesce(r.started, r.created), r.ended, r.updated, r.note, r.deleted, r.host, r.source, r.job,
  r.command, r.cwd, r.script, r.git_commit, r.git_branch, r.git_dirty, r.git_diff, r.sweep,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE rid = r.rid ORDER BY tag))"""


class _Source:
    """One database runs are read from: the index, or run folders loaded into memory."""

    def __init__(self, db, root, from_index, exclude=()):
        self.db = db
        self.root = root
        self.from_index = from_index
        self.exclude = json.dumps(sorted(exclude))


def _open_index(root):
    path = os.path.join(root, "index.db")
    if not os.path.isfile(path):
        return None
    try:
        db = sqlite3.connect("file:{}?mode=ro".format(pathname2url(os.path.abspath(path))), uri=True,
                             check_same_thread=False)
        # An index made before runs.sweep (an older Trackside) cannot answer every query.
        db.execute("SELECT rid, id, deleted, sweep FROM runs LIMIT 0")
        db.execute("SELECT rid, offset FROM ingest_offsets LIMIT 0")
        return db
    except sqlite3.Error:
        return None  # missing, damaged or locked: the run folders are the source of truth


def _sources(root):
    folders = read_folders.run_folders(root)
    index = _open_index(root)
    if index is None:
        return [_Source(read_folders.memory_index(root, folders), root, False)]
    known = dict(index.execute("SELECT r.id, o.offset FROM runs r LEFT JOIN ingest_offsets o ON o.rid = r.rid"))
    stale = [run_id for run_id, size in folders.items() if known.get(run_id, -1) != size]
    gone = [run_id for run_id in known if run_id not in folders]
    sources = [_Source(index, root, True, stale + gone)]
    if stale:
        sources.append(_Source(read_folders.memory_index(root, stale), root, False))
    return sources


def _root(root):
    return os.path.abspath(os.fspath(root)) if root is not None else find_root()


def _order(order_by):
    """(SQL expression, params, descending, case-insensitive)."""
    text = str(order_by)
    desc = text.startswith("-")
    name = text.lstrip("+-")
    if name.lower() in _ORDER:
        return _ORDER[name.lower()], {}, desc, name.lower() in _NOCASE
    field = resolve_field(name)
    if field is not None and field[0] == "param":
        sql = "(SELECT coalesce(p.num, json_extract(p.value, '$')) FROM params p WHERE p.rid = r.rid AND p.key = @o0)"
        return sql, {"o0": field[1]}, desc, False
    if field is not None and field[0] == "metric":
        sql = ("(SELECT s.{} FROM summaries s WHERE s.rid = r.rid AND "
               "s.kid = (SELECT kid FROM metric_keys WHERE key = @o0))").format(field[2])
        return sql, {"o0": field[1]}, desc, False
    raise ValueError("trackside: cannot order runs by {!r}: use {}, params.<key> or metrics.<key>.<last|min|max|count>, "
                     "with a leading - for descending".format(order_by, ", ".join(sorted(_ORDER))))


def _sort_key(value, nocase):
    if isinstance(value, str):
        return (1, value.translate(_ASCII_LOWER) if nocase else value)
    if isinstance(value, bytes):
        return (2, value)
    return (0, value)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def runs(where=None, experiment=None, order_by="-started", limit=None, include_deleted=False, root=None, now=None):
    """Runs matching a query (the same language as the editor's filter), newest first.

    where: e.g. 'params.lr > 0.001 and metrics.val/acc.max >= 0.9 and status = finished';
    experiment: exact experiment name; order_by: started, ended, updated, name, experiment,
    status, duration, params.<key> or metrics.<key>.<agg>, with a leading - for descending
    (ties by id; runs without a value last); limit: at most this many. Raises
    trackside.QueryError (with .column) for a query that does not parse.
    """
    condition, params = compile_query(where, now) if where else ("1", {})
    order_sql, order_params, desc, nocase = _order(order_by)
    direction = "DESC" if desc else "ASC"
    filters = "" if include_deleted else "r.deleted = 0 AND "
    if experiment is not None:
        filters += "r.experiment IS @experiment AND "
    sql = ("SELECT r.rid, {order} FROM runs r WHERE {filters}({cond}) "
           "AND r.id NOT IN (SELECT value FROM json_each(@exclude)) "
           "ORDER BY {order} {dir} NULLS LAST, r.id {dir} LIMIT @limit").format(
        order=order_sql, filters=filters, cond=condition, dir=direction)
    root = _root(root)
    found = []
    sources = _sources(root)
    for source in sources:
        bound = dict(params, **order_params)
        bound.update(exclude=source.exclude, limit=-1 if limit is None else max(0, int(limit)), experiment=experiment)
        rows = _query(source.db, sql, bound, where)
        views = _views(source, [rid for rid, _ in rows])
        found += [(value, views[rid]) for rid, value in rows]
    if len(sources) > 1:
        # Merge the sources in the order SQLite gives: values by type then value, runs
        # without a value last, ties by id in the same direction.
        present = [x for x in found if x[0] is not None]
        missing = [x for x in found if x[0] is None]
        present.sort(key=lambda x: (_sort_key(x[0], nocase), x[1].id), reverse=desc)
        missing.sort(key=lambda x: x[1].id, reverse=desc)
        found = present + missing
    if limit is not None:
        found = found[:max(0, int(limit))]
    return [view for _, view in found]


def _query(db, sql, params, where):
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as e:
        # compile_query() refuses what SQLite would; should this SQLite still find a query too
        # big ("Expression tree is too large", "too many SQL variables", or an older SQLite's
        # "parser stack overflow" on nested conditions), it is the query's fault.
        text = str(e).lower()
        if "too " not in text and "overflow" not in text:
            raise
        raise QueryError(1, "a smaller query", "{} characters".format(len(where or ""))) from None


def get_run(ref, root=None):
    """One run by id, unique id prefix or unique name (deleted runs included). KeyError if none."""
    root = _root(root)
    sources = _sources(root)
    ref = str(ref)
    for condition in ("r.id = @ref", "substr(r.id, 1, length(@ref)) = @ref", "r.name = @ref"):
        matches = []
        for source in sources:
            rids = [row[0] for row in source.db.execute(
                "SELECT r.rid FROM runs r WHERE {} AND r.id NOT IN (SELECT value FROM json_each(@exclude)) "
                "ORDER BY r.id LIMIT 50".format(condition), {"ref": ref, "exclude": source.exclude})]
            matches += list(_views(source, rids).values())
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise KeyError("trackside: {!r} matches {} runs: {}".format(
                ref, len(matches), ", ".join(sorted(m.id for m in matches)[:10])))
    raise KeyError("trackside: no run matches {!r} in {}".format(ref, root))


def _views(source, rids):
    if not rids:
        return {}
    rows = source.db.execute("SELECT {} FROM runs r WHERE r.rid IN (SELECT value FROM json_each(?))".format(_ROW),
                             (json.dumps(rids),))
    return {row[0]: RunView(source, row) for row in rows}


def _seconds(ms):
    return None if ms is None else ms / 1000.0


def _float(x):
    return float("nan") if x is None else x


def _step(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


class RunView:
    """A run as recorded (read-only). Times are unix seconds; metric values NaN when not a number;
    sweep is the name of the sweep that started the run (None for a run started on its own)."""

    def __init__(self, source, row):
        self._source = source
        (self._rid, self.id, self.name, self.experiment, self.status, self.exit_code, self.error, started,
         ended, updated, self.note, deleted, self.host, self.source, self.job, command, self.cwd, self.script,
         commit, branch, dirty, diff, self.sweep, tags) = row
        self.started = _seconds(started)
        self.ended = _seconds(ended)
        self.updated = _seconds(updated)
        end = ended if ended is not None else updated
        self.duration = None if started is None or end is None else max(0, end - started) / 1000.0
        self.deleted = bool(deleted)
        self.command = None if command is None else json.loads(command)
        has_git = any(x is not None for x in (commit, branch, dirty, diff))
        self.git = {"commit": commit, "branch": branch, "dirty": None if dirty is None else bool(dirty),
                    "diff": diff} if has_git else None
        self.tags = json.loads(tags)
        self.root = source.root
        self.dir = os.path.join(source.root, "runs", self.id)
        self._params = self._summary = None

    def __repr__(self):
        return "<trackside.RunView {} {!r} {}>".format(self.id, self.name, self.status)

    def _rows(self, sql, *args):
        return self._source.db.execute(sql, (self._rid,) + args).fetchall()

    @property
    def params(self):
        """{key: value} as logged."""
        if self._params is None:
            self._params = {k: json.loads(v) for k, v in self._rows("SELECT key, value FROM params WHERE rid = ? ORDER BY key")}
        return dict(self._params)

    @property
    def summary(self):
        """{metric key: {"last", "min", "max", "count"}} (sys/ keys included)."""
        if self._summary is None:
            rows = self._rows("SELECT k.key, s.last, s.min, s.max, s.count FROM summaries s "
                              "JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = ? ORDER BY k.key")
            self._summary = {key: {"last": _float(last), "min": _float(lo), "max": _float(hi), "count": count}
                             for key, last, lo, hi, count in rows}
        return {k: dict(v) for k, v in self._summary.items()}

    def metrics(self, key, as_dataframe=False):
        """[(step, value, time)] of one metric in step order, several values at one step in logged
        order (time in unix seconds), or a pandas
        DataFrame with those columns when as_dataframe (pandas must be installed)."""
        if key not in self.summary:
            raise KeyError("trackside: run {} has no metric {!r} (it has: {})".format(
                self.id, key, ", ".join(sorted(self.summary)) or "none"))
        if self._source.from_index:
            rows = self._source.db.execute(
                "SELECT step, value, t FROM points WHERE rid = ? AND kid = (SELECT kid FROM metric_keys WHERE key = ?) "
                "ORDER BY step, seq", (self._rid, key))
            points = [(_step(step), _float(value), _seconds(t)) for step, value, t in rows]
        else:
            points = [(_step(step), value, _seconds(t)) for step, value, t, _ in read_folders.read_points(self.dir, key)]
        if not as_dataframe:
            return points
        try:
            import pandas
        except ImportError:
            raise ImportError("trackside: metrics(..., as_dataframe=True) needs pandas; "
                              "without it, metrics() returns a list of (step, value, time)") from None
        return pandas.DataFrame(points, columns=["step", "value", "time"])

    @property
    def artifacts(self):
        """[{"name", "kind", "hash", "size", "files"}] in the order they were logged."""
        out = []
        for aid, name, kind, digest, size in self._rows(
                "SELECT aid, name, kind, hash, size FROM artifacts WHERE rid = ? ORDER BY aid"):
            files = self._source.db.execute("SELECT path, hash, size FROM artifact_files WHERE aid = ? ORDER BY path",
                                            (aid,)).fetchall()
            out.append({"name": name, "kind": kind, "hash": digest, "size": size,
                        "files": [{"path": p, "hash": h, "size": s} for p, h, s in files]})
        return out

    def _artifact(self, name):
        return self._latest(self.artifacts, "artifact", name)

    def _latest(self, items, what, name):
        found = [x for x in items if x["name"] == name]
        if not found:
            raise KeyError("trackside: run {} has no {} {!r} (it has: {})".format(
                self.id, what, name, ", ".join(sorted({x["name"] for x in items})) or "none"))
        return found[-1]  # logged again under the same name: the latest

    def _blob(self, digest):
        path = BlobStore(self.root).path(digest)  # a digest, never a path, whatever the index holds
        if not os.path.isfile(path):
            raise FileNotFoundError("trackside: blob {} is missing from {}".format(digest, self.root))
        return path

    def artifact_path(self, name):
        """Path of a file artifact's blob in the store (read it, do not modify it)."""
        artifact = self._artifact(name)
        if artifact["files"]:
            raise IsADirectoryError("trackside: artifact {!r} is a folder of {} files: use download_artifact()".format(
                name, len(artifact["files"])))
        return self._blob(artifact["hash"])

    def download_artifact(self, name, dest):
        """Copies an artifact out of the store and returns where it went.

        A file goes to dest (or into dest when dest is a folder); a folder is rebuilt under
        dest. Nothing is written outside dest, whatever paths the run recorded.
        """
        artifact = self._artifact(name)
        dest = os.path.abspath(os.fspath(dest))
        if not artifact["files"]:
            target = os.path.join(dest, _safe_name(name)) if os.path.isdir(dest) else dest
            _copy(self._blob(artifact["hash"]), target)
            return target
        # Every path is checked before anything is written.
        plan = [(self._blob(f["hash"]), _inside(dest, f["path"])) for f in artifact["files"]]
        for blob, target in plan:
            folder = os.path.dirname(target)
            os.makedirs(folder, exist_ok=True)
            real_dest = os.path.realpath(dest)
            real = os.path.realpath(folder)
            if real != real_dest and not real.startswith(real_dest + os.sep):
                raise ValueError("trackside: {} leads outside {} (a symbolic link?)".format(folder, dest))
            _copy(blob, target)
        return dest

    @property
    def datasets(self):
        out = []
        for did, name, path, digest, size, columns in self._rows(
                "SELECT did, name, path, hash, size, columns FROM datasets WHERE rid = ? ORDER BY did"):
            files = self._source.db.execute("SELECT path, hash, size FROM dataset_files WHERE did = ? ORDER BY path",
                                            (did,)).fetchall()
            out.append({"name": name, "path": path, "hash": digest, "size": size,
                        "columns": None if columns is None else json.loads(columns),
                        "files": [{"path": p, "hash": h, "size": s} for p, h, s in files]})
        return out

    def dataset(self, name):
        """The dataset logged under name (the latest): {"name", "path", "hash", "size", "columns", "files"}."""
        return self._latest(self.datasets, "dataset", name)

    @property
    def code_files(self):
        """Paths in the run's code snapshot."""
        return [p for (p,) in self._rows("SELECT path FROM code_files WHERE rid = ? ORDER BY path")]

    def code_path(self, file):
        """Path of the blob holding a file of the run's code snapshot (as it was when the run started)."""
        rel = os.fspath(file).replace("\\", "/")
        while rel.startswith("./"):
            rel = rel[2:]
        rows = self._rows("SELECT hash FROM code_files WHERE rid = ? AND path = ?", rel)
        if not rows:
            rows = self._rows("SELECT hash FROM code_files WHERE rid = ? AND path LIKE ? ESCAPE '\\' ORDER BY length(path) LIMIT 2",
                              "%/" + rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
            if len(rows) != 1:
                raise KeyError("trackside: run {} has no file {!r} in its code snapshot ({} files)".format(
                    self.id, file, len(self.code_files)))
        return self._blob(rows[0][0])


def _safe_name(name):
    base = os.path.basename(str(name).replace("\\", "/").rstrip("/"))
    return base if base not in ("", ".", "..") else "artifact"


def _inside(dest, rel):
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith(("/", "\\")) or ":" in parts[0] or any(p in ("", ".", "..") for p in parts):
        raise ValueError("trackside: refusing to write {!r} (not a plain relative path)".format(rel))
    return os.path.join(dest, *parts)


def _copy(blob, target):
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    # Created here with 0666 less the umask, like any file the user makes (mkstemp's 0600
    # would leave a deployed model unreadable to the service that loads it).
    tmp = os.path.join(folder, ".trackside-{}".format(secrets.token_hex(8)))
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        shutil.copyfile(blob, tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
