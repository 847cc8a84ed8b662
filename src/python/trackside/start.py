"""trackside.init(): attach to the run folder the editor made, or make one; the current run."""

import os
import time

from . import exit_hooks, output_guard
from .environment import git_info, launch_info, process_info
from .location import create_run_dir, ensure_meta, find_root, folder_maker, meta_id, new_run_id, root_of_run_dir
from .run import Run
from .values import flatten_params, tag_list

_current = None


def current_run():
    """The run from the latest init() that is not finished yet, or None."""
    return _current if _current is not None and not _current.finished else None


def init(name=None, experiment=None, params=None, tags=None, notes=None, job=None, model=None):
    """Starts a run (or attaches to $TRACKSIDE_RUN_DIR) and makes it the current run.

    model="churn@production" (or "churn@3") makes it an evaluation run (job="evaluation"
    unless given) of that model version, resolved now: run.model has its local paths.
    """
    global _current
    now = time.time()
    attach_dir = os.environ.get("TRACKSIDE_RUN_DIR")
    ref = None
    if model is not None:
        ref = _model_ref(model, root_of_run_dir(attach_dir) if attach_dir else find_root())
        job = "evaluation" if job is None else job
    if attach_dir:
        run_dir = os.path.abspath(attach_dir)
        active = current_run()
        if active is not None and active.dir == run_dir:
            # A second init() in the process that owns the folder: add to the same run.
            active._emit(_announcement({}, name, experiment, params, tags, notes, job))
            _evaluates(active, ref)
            return active
        try:
            os.makedirs(run_dir, exist_ok=True)
            run_id = ensure_meta(run_dir, os.path.basename(run_dir), now)
        except OSError:  # not writable (yet): the writer makes it when it can, and says why not
            run_id = meta_id(run_dir) or os.path.basename(run_dir)
        output_guard.guard(run_dir)
        run = Run(run_id, run_dir, root_of_run_dir(run_dir), folder_maker(run_dir, run_id, now))
        event = process_info()
    else:
        root = find_root()
        try:
            run_id, run_dir = create_run_dir(root, now)
        except OSError:  # a read-only or full disk: the writer makes the folder when it can
            run_id = new_run_id(now)
            run_dir = os.path.join(root, "runs", run_id)
        run = Run(run_id, run_dir, root, folder_maker(run_dir, run_id, now))
        event = process_info()
        event.update(launch_info())
        if name is None:
            # Like the editor's runs: the script's name and the id's random tail.
            stem = os.path.splitext(os.path.basename(event.get("script") or "run"))[0]
            event["name"] = "{}-{}".format(stem, run_id[-6:])
        git = git_info(event["cwd"], run.blobs)
        if git is not None:
            event["git"] = git
    run._emit(_announcement(event, name, experiment, params, tags, notes, job))
    _evaluates(run, ref)
    run._emit({"type": "status", "status": "running"})
    run.flush()  # the run shows up at once, not at the writer's first tick
    exit_hooks.watch(run)
    _current = run
    return run


def _model_ref(model, root):
    """The model_ref event of init(model=...): the version the reference names now."""
    from .models import resolve
    version, record = resolve(str(model), root=root)
    ref = str(model) if "@" in str(model) else "{}@{}".format(model, version)
    return {"type": "model_ref", "name": record["name"], "version": version, "ref": ref, "hash": record["hash"]}


def _evaluates(run, ref):
    if ref is not None:
        run._emit(ref)
        run._model_ref, run._model = (ref["name"], ref["version"]), None


def _announcement(event, name, experiment, params, tags, notes, job=None):
    event = dict({"type": "run"}, **event)
    if name is not None:
        event["name"] = str(name)
    if experiment is not None:
        event["experiment"] = str(experiment)
    if params:
        event["params"] = flatten_params(params)
    if tags:
        event["tags"] = tag_list(tags)
    if notes is not None:
        event["note"] = str(notes)
    if job is not None:
        event["job"] = str(job)
    return event
