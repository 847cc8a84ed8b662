"""Runs a Jupyter notebook headless, cell by cell, as a Trackside run.

The editor starts `run_notebook.py NOTEBOOK` as the program of a tracked run, so the run's
folder ($TRACKSIDE_RUN_DIR), output, hardware samples and Stop work as for a script. The
notebook runs in an ipykernel of the same interpreter through nbclient; `import trackside;
trackside.init()` inside it attaches to the run. What the runner records is described in
src/core/notebooks/notebookRunRecord.ts.

Needs nbclient and ipykernel (Debian: python3-nbclient python3-ipykernel); the trackside
client itself stays standard library only.
"""
