"""Trackside client: record a training run into a local run folder.

    import trackside
    run = trackside.init(name="baseline", params={"lr": 0.1})
    for epoch in range(10):
        run.log({"train/loss": loss, "val/acc": acc}, epoch=epoch)
    run.log_artifact("model.pkl", kind="model")
    run.log_model("model.pkl", "churn", inference_code=["predict.py"])   # version 1, 2, ...

Evaluation runs: trackside.init(model="churn@production") records the version evaluated;
trackside.models.get("churn", alias="production") fetches one for deployment.

Where the run goes: $TRACKSIDE_RUN_DIR if set (the editor sets it for runs it starts and
the client attaches to that folder), else a new folder under <root>/runs/, where <root> is
$TRACKSIDE_HOME, or the nearest .trackside/ above the working directory, or a new
./.trackside/. The run ends "finished" at exit, "failed" (with the traceback) on an uncaught
exception, "stopped" on Ctrl-C or SIGTERM.

Module-level functions act on the current run (the latest init()), starting one if needed.
Standard library only; put the folder holding this package on PYTHONPATH.

Reading runs back (read-only): trackside.runs(where=..., order_by=..., limit=...) and
trackside.get_run(id); see trackside.read. With team=True they read the team's PostgreSQL
index (TRACKSIDE_TEAM_URL) instead; see trackside.team.
"""

from .run import Run
from .start import current_run, init

__all__ = [
    "Run", "init", "current_run", "log", "log_metric", "log_params", "log_artifact",
    "log_image", "log_dataset", "log_model", "log_code", "add_tags", "remove_tags", "set_note", "finish",
    "runs", "get_run", "QueryError", "models",
]


def _run():
    return current_run() or init()


def log(values, step=None, epoch=None):
    _run().log(values, step=step, epoch=epoch)


def log_metric(key, value, step=None):
    _run().log_metric(key, value, step=step)


def log_params(params):
    _run().log_params(params)


def log_artifact(path, name=None, kind="file"):
    return _run().log_artifact(path, name=name, kind=kind)


def log_image(key, image, step=None):
    return _run().log_image(key, image, step=step)


def log_dataset(path, name=None, columns=None):
    return _run().log_dataset(path, name=name, columns=columns)


def log_model(path, name, inference_code=(), metadata=None):
    return _run().log_model(path, name, inference_code=inference_code, metadata=metadata)


def log_code(*paths):
    return _run().log_code(*paths)


def add_tags(*tags):
    _run().add_tags(*tags)


def remove_tags(*tags):
    _run().remove_tags(*tags)


def set_note(text):
    _run().set_note(text)


def finish(status="finished"):
    """Finishes the current run, if there is one."""
    run = current_run()
    if run is not None:
        run.finish(status)


# Reading: imported on first use, so a training script's `import trackside` stays light.

def runs(where=None, experiment=None, order_by="-started", limit=None, include_deleted=False, root=None, team=False):
    """Recorded runs matching a query, newest first; see trackside.read.runs. team=True reads
    the team index (TRACKSIDE_TEAM_URL) instead; see trackside.team.runs."""
    if team:
        from .team import runs as team_runs
        _no_root(root)
        return team_runs(where=where, experiment=experiment, order_by=order_by, limit=limit, include_deleted=include_deleted)
    from .read import runs as read_runs
    return read_runs(where=where, experiment=experiment, order_by=order_by, limit=limit,
                     include_deleted=include_deleted, root=root)


def get_run(ref, root=None, team=False):
    """One recorded run by id, unique id prefix or unique name; see trackside.read.get_run.
    team=True looks in the team index instead."""
    if team:
        from .team import get_run as team_run
        _no_root(root)
        return team_run(ref)
    from .read import get_run as read_run
    return read_run(ref, root=root)


def _no_root(root):
    if root is not None:
        raise ValueError("trackside: team=True reads the team index (TRACKSIDE_TEAM_URL), not a folder: leave root out")


def __getattr__(name):
    if name == "models":
        import importlib
        return importlib.import_module(".models", __name__)
    if name == "QueryError":
        from .query import QueryError
        return QueryError
    raise AttributeError("module 'trackside' has no attribute {!r}".format(name))
