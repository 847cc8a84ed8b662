"""What a notebook run leaves in its run folder: events, the executed notebook, the cell table."""

import json
import os
import time

CELL_SECONDS_KEY = "sys/notebook/cell_seconds"
RUN_RECORD_FILE = "notebook-cells.json"


class RunRecord:
    """Writes into a run folder; every method is a no-op without one (a plain headless run)."""

    def __init__(self, run_dir):
        self.dir = run_dir

    def event(self, event):
        if not self.dir:
            return
        line = dict({"t": int(time.time() * 1000)}, **event)
        data = (json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
        # One write with O_APPEND: lines from the kernel's client in the same file never interleave.
        fd = os.open(os.path.join(self.dir, "events.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def cell_done(self, cell):
        self.event({
            "type": "metrics",
            "step": cell["number"],
            "values": {CELL_SECONDS_KEY: round(cell.get("duration_ms", 0) / 1000.0, 6)},
            "cell": {key: cell[key] for key in ("index", "id", "status") if key in cell},
        })

    def files_dir(self):
        path = os.path.join(self.dir, "files")
        os.makedirs(path, exist_ok=True)
        return path

    def executed_notebook(self, path, name):
        """Stores the executed notebook as a blob and logs it as a `notebook` artifact."""
        if not self.dir:
            return
        from trackside.blobs import BlobStore
        from trackside.location import root_of_run_dir

        digest, size = BlobStore(root_of_run_dir(self.dir)).put_file(path)
        self.event({"type": "artifact", "name": name, "kind": "notebook", "hash": digest, "size": size,
                    "source": os.path.relpath(path, self.dir).replace(os.sep, "/")})

    def write_cells(self, record):
        if not self.dir:
            return
        path = os.path.join(self.files_dir(), RUN_RECORD_FILE)
        tmp = "{}.{}.tmp".format(path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
        os.replace(tmp, path)
