"""Runs a notebook headless as (the program of) a Trackside run.

    python run_notebook.py NOTEBOOK [--output EXECUTED.ipynb]

With $TRACKSIDE_RUN_DIR set (the editor sets it), the executed notebook goes to the run's
files/ folder and is logged as a `notebook` artifact, each code cell's status and duration
are logged, and `import trackside; trackside.init()` in the notebook attaches to the run.

Exit codes: 0 every cell ran; 1 a cell failed (its traceback ends stderr); 2 the notebook
cannot be read; 3 nbclient or ipykernel is missing, or the kernel did not start; 130 stopped.
"""

import argparse
import importlib.util
import os
import sys

MODULES = ("nbformat", "nbclient", "jupyter_client", "ipykernel")


def _import_path():
    # Run as a script, sys.path[0] is this folder: import the package (and the trackside
    # client next to it) from the parent folder instead, so sibling names shadow nothing.
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        del sys.path[0]
    parent = os.path.dirname(here)
    if parent not in sys.path:
        sys.path.insert(0, parent)


def install_hint(missing):
    return (
        "Running a notebook as a tracked run needs nbclient and ipykernel in the run's Python ({exe}), "
        "which is missing {missing}. Install them with `{exe} -m pip install nbclient ipykernel`, "
        "or for Debian/Ubuntu's system Python with `sudo apt-get install python3-nbclient python3-ipykernel`."
    ).format(exe=sys.executable, missing=", ".join(missing))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a Jupyter notebook headless for a Trackside run.")
    parser.add_argument("notebook")
    parser.add_argument("--output", help="where the executed notebook goes (default: the run's files/ folder)")
    args = parser.parse_args(argv)

    missing = [m for m in MODULES if importlib.util.find_spec(m) is None]
    if missing:
        print(install_hint(missing), file=sys.stderr)
        return 3

    _import_path()
    from trackside_nbrun.execute import KernelStartError, execute
    from trackside_nbrun.record import RunRecord

    path = os.path.abspath(args.notebook)
    name = os.path.basename(path)
    run_dir = os.environ.get("TRACKSIDE_RUN_DIR") or None
    writer = RunRecord(run_dir)
    if args.output:
        output = os.path.abspath(args.output)
    elif run_dir:
        output = os.path.join(writer.files_dir(), name)
    else:
        parser.error("--output is needed outside a tracked run")

    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not JSON, not a notebook, unreadable: all mean "cannot run it"
        print("Cannot run {}: {}".format(name, err), file=sys.stderr)
        return 2
    try:
        code, record = execute(path, nb, writer, output)
    except KernelStartError as err:
        print(str(err), file=sys.stderr)
        return 3

    record["output"] = os.path.relpath(output, run_dir).replace(os.sep, "/") if run_dir else output
    writer.write_cells(record)
    writer.executed_notebook(output, name)
    failed = record.get("failed")
    if code == 130:
        total = len(record["cells"])
        waiting = [c["number"] for c in record["cells"] if c["status"] == "not-run"]
        if failed:
            print("Stopped in cell {} of {}.".format(failed["number"], total), file=sys.stderr)
        else:
            print("Stopped before cell {} of {}.".format(waiting[0], total) if waiting else "Stopped.", file=sys.stderr)
    elif failed:
        sys.stderr.write(failed["traceback"] + "\n")
        sys.stderr.flush()
    else:
        print("All {} code cells ran.".format(len(record["cells"])), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
