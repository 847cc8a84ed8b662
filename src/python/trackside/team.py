"""Reading the team index: trackside.runs(where=..., team=True) and get_run(ref, team=True).

    best = trackside.runs(where="status = finished and params.opt = adam", team=True, limit=5)
    print(best[0].pushed_by, best[0].params, best[0].summary["val/acc"]["max"])

The team index is PostgreSQL, and the standard library has no client for it: these reads go
through the Trackside command line shipped beside this package (dist/cli.js, run with Node;
TRACKSIDE_CLI and TRACKSIDE_NODE point elsewhere). It reads TRACKSIDE_TEAM_URL and the password
from PGPASSWORD or ~/.pgpass, and needs no local .trackside folder. Only reads go there: a
training script's logging stays local (no network in the training loop); runs reach the team
index with `trackside push` or the editor's auto push.
"""
import json
import os
import shutil
import subprocess

from .query import compile_query

_NUMBERS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class TeamIndexError(RuntimeError):
    """The team index could not be read: no URL, unreachable, a refused login, no schema, …"""


def _command():
    here = os.path.dirname(os.path.abspath(__file__))
    cli = os.environ.get("TRACKSIDE_CLI") or os.path.normpath(os.path.join(here, "..", "..", "..", "dist", "cli.js"))
    node = os.environ.get("TRACKSIDE_NODE") or shutil.which("node")
    if not node:
        raise TeamIndexError("trackside: team=True reads the team index through the Trackside command line, "
                             "which runs on Node.js: put node on PATH or set TRACKSIDE_NODE")
    if not os.path.isfile(cli):
        raise TeamIndexError("trackside: team=True needs the Trackside command line, not found at {} "
                             "(set TRACKSIDE_CLI to its cli.js)".format(cli))
    return [node, cli]


def _read(args):
    """The command line's JSON answer to `args`; its error message as a TeamIndexError."""
    done = subprocess.run(_command() + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "exit code {}".format(done.returncode)
        raise TeamIndexError(message if message.startswith("trackside") else "trackside: " + message)
    return json.loads(done.stdout.decode("utf-8"), parse_constant=lambda c: _NUMBERS[c])


def _number(x):
    if x is None:
        return float("nan")
    return _NUMBERS.get(x, x) if isinstance(x, str) else x


def _seconds(ms):
    return None if ms is None else ms / 1000.0


class TeamRun:
    """A run from the team index (read-only), as it was pushed. Times are unix seconds; metric
    values NaN when not a number. `pushed_by` and `pushed_host` say who pushed it from where."""

    def __init__(self, row):
        self.id = row["id"]
        self.name = row.get("name")
        self.experiment = row.get("experiment")
        self.status = row.get("status")
        self.exit_code = row.get("exitCode")
        self.error = row.get("error")
        self.note = row.get("note")
        self.host = row.get("host")
        self.job = row.get("job")
        self.sweep = row.get("sweep")
        self.tags = list(row.get("tags") or [])
        self.deleted = bool(row.get("deleted"))
        self.started = _seconds(row.get("started"))
        self.ended = _seconds(row.get("ended"))
        self.updated = _seconds(row.get("updated"))
        self.duration = _seconds(row.get("duration"))
        self.pushed_by = row.get("pushedBy")
        self.pushed_host = row.get("pushedHost")
        self._detail = row if "params" in row else None

    def __repr__(self):
        return "<trackside.TeamRun {} {!r} {} by {}>".format(self.id, self.name, self.status, self.pushed_by)

    def _show(self):
        if self._detail is None:
            self._detail = _read(["show", self.id, "--team", "--json"])
        return self._detail

    @property
    def params(self):
        """{key: value} as logged."""
        return dict(self._show()["params"])

    @property
    def summary(self):
        """{metric key: {"last", "min", "max", "count"}} (sys/ keys included)."""
        return {m["key"]: {"last": _number(m["last"]), "min": _number(m["min"]), "max": _number(m["max"]), "count": m["count"]}
                for m in self._show()["metrics"]}

    @property
    def command(self):
        return self._show().get("command")

    @property
    def git(self):
        return self._show().get("git")

    @property
    def artifacts(self):
        """[{"name", "kind", "hash", "size", "files"}]: what the run logged (the files are in the team's blob folder)."""
        return [{"name": a["name"], "kind": a["kind"], "hash": a["hash"], "size": a["size"], "files": a["files"]}
                for a in self._show()["artifacts"]]


def runs(where=None, experiment=None, order_by="-started", limit=None, include_deleted=False):
    """Team runs matching a query (the editor's query language, checked here first), newest first."""
    if where:
        compile_query(where)  # a QueryError with its column, before any connection
    if order_by not in ("-started", None):
        raise ValueError("trackside: team=True lists runs newest first (order_by='-started'); "
                         "sort the returned runs by their params or summary")
    args = ["runs", "--team", "--json"]
    if where:
        args += ["--where", where]
    if experiment is not None:
        args += ["--experiment", str(experiment)]
    if limit is not None:
        if int(limit) <= 0:
            return []
        args += ["--limit", str(int(limit))]
    if include_deleted:
        args.append("--all")
    return [TeamRun(row) for row in _read(args)]


def get_run(ref):
    """One team run by id, unique id prefix or unique name. KeyError if none."""
    try:
        return TeamRun(_read(["show", str(ref), "--team", "--json"]))
    except TeamIndexError as e:
        if "no run matches" in str(e).lower():
            raise KeyError(str(e)) from None
        raise
