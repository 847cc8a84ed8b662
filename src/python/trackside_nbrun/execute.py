"""Executes a notebook cell by cell in an ipykernel of this interpreter, through nbclient."""

import asyncio
import inspect
import os
import re
import signal
import sys
import time

import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_NAME = "trackside-run"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# IPython's traceback banner: a rule of dashes and "NameError   Traceback (most recent call last)".
BANNER = re.compile(r"^(-{20,}|\S+\s+Traceback \(most recent call last\))\s*$")
OUT_PREVIEW = 2000


class KernelStartError(Exception):
    pass


class RunKernelSpecs(KernelSpecManager):
    """Whatever kernel the notebook names, it runs in ipykernel under the run's interpreter."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(
            argv=[sys.executable, os.path.join(HERE, "kernel.py"), "-f", "{connection_file}"],
            display_name="Python {}.{} (Trackside run)".format(*sys.version_info[:2]),
            language="python",
            resource_dir=HERE,
        )


class RunClient(NotebookClient):
    def create_kernel_manager(self):
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=RunKernelSpecs(), config=self.config)
        return self.km

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        try:
            echo(msg)
        except Exception:  # the terminal view of an output must never fail the run
            pass
        return out


def echo(msg):
    """Shows a cell's output in the run's terminal as it arrives."""
    kind = msg["msg_type"]
    content = msg["content"]
    if kind == "stream":
        stream = sys.stderr if content.get("name") == "stderr" else sys.stdout
        stream.write(content.get("text", ""))
        stream.flush()
    elif kind in ("execute_result", "display_data"):
        data = content.get("data", {})
        text = data.get("text/plain")
        rich = sorted(k for k in data if k != "text/plain")
        if kind == "execute_result" and text is not None:
            text = "Out[{}]: {}".format(content.get("execution_count") or " ", text)
        if text is None:
            text = "[{}]".format(", ".join(rich))
        if len(text) > OUT_PREVIEW:
            text = text[:OUT_PREVIEW] + "…"
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


class Stop:
    """Stop asked for by a signal: first interrupt the kernel (the cell gets KeyboardInterrupt),
    then, if it is asked again, shut the kernel down."""

    def __init__(self):
        self.requested = False
        self.client = None

    def __call__(self):
        km = self.client.km if self.client is not None else None
        if km is None:
            return
        if not self.requested:
            self.requested = True
            asyncio.ensure_future(_maybe_await(km.interrupt_kernel()))
        else:
            asyncio.ensure_future(_maybe_await(km.shutdown_kernel(now=True)))


async def _maybe_await(x):
    if inspect.isawaitable(x):
        return await x
    return x


def code_cells(nb):
    """[(index, number)] of the cells that run: code cells with source."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip():
            found.append((index, len(found) + 1))
    return found


def error_of(cell):
    for out in reversed(cell.get("outputs", [])):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", ""), out.get("traceback", [])
    return None


def format_failure(number, total, cell, name, ename, evalue, tb_lines):
    """A traceback block headed by the cell; it ends the run's stderr, so it becomes the run's error."""
    where = "Notebook cell {} of {}".format(number, total)
    if cell.get("id"):
        where += ' (id "{}")'.format(cell["id"])
    lines = ["Traceback (most recent call last):", "  {}, {}".format(where, name)]
    body = [ANSI.sub("", line) for chunk in tb_lines for line in chunk.split("\n")]
    lines.extend(line for line in body if not BANNER.match(line))
    last = "{}: {}".format(ename, evalue) if evalue else ename
    if last and lines[-1].strip().rstrip(":") != last.strip().rstrip(":"):
        lines.append(last)
    return "\n".join(lines)


async def _run(client, nb, record, writer, stop, cwd, name):
    loop = asyncio.get_running_loop()
    total = len(record["cells"])
    try:
        setup = client.async_setup_kernel(cwd=cwd)
        await setup.__aenter__()
    except Exception as err:
        raise KernelStartError("The notebook's kernel (ipykernel for {}) could not start: {}".format(sys.executable, err)) from err
    failure = None
    try:
        stop.client = client
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop)
            except (NotImplementedError, RuntimeError):
                pass
        reply = await client.async_wait_for_reply(await _maybe_await(client.kc.kernel_info()))
        if reply and "language_info" in reply["content"]:
            nb.metadata["language_info"] = reply["content"]["language_info"]
        for entry in record["cells"]:
            if stop.requested:  # asked between two cells: the next one does not start
                break
            index, number = entry["index"], entry["number"]
            cell = nb.cells[index]
            print("── cell {} of {} ──".format(number, total), flush=True)
            started = time.monotonic()
            try:
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                entry["status"] = "ok"
            except (CellExecutionError, DeadKernelError) as err:
                entry["status"] = "interrupted" if stop.requested else "error"
                found = error_of(cell)
                if isinstance(err, DeadKernelError) and not stop.requested:
                    found = ("DeadKernelError", "the kernel died while running this cell", [])
                ename, evalue, tb = found or (getattr(err, "ename", type(err).__name__), getattr(err, "evalue", str(err)), [])
                failure = {"number": number, "index": index, "ename": ename, "evalue": evalue,
                           "traceback": format_failure(number, total, cell, name, ename, evalue, tb)}
            finally:
                entry["duration_ms"] = int((time.monotonic() - started) * 1000)
                writer.cell_done(entry)
            if failure is not None:
                break
        if hasattr(client, "set_widgets_metadata"):
            client.set_widgets_metadata()
    finally:
        await setup.__aexit__(None, None, None)
    return failure


def execute(path, nb, writer, output_path):
    """Runs every code cell of `nb` (read from `path`); returns (exit code, run record).
    Writes the executed notebook, outputs and all, to `output_path`."""
    name = os.path.basename(path)
    cells = code_cells(nb)
    record = {
        "notebook": name,
        "cells": [{"index": index, "number": number, "status": "not-run"} for index, number in cells],
    }
    for entry in record["cells"]:
        cell_id = nb.cells[entry["index"]].get("id")
        if cell_id:
            entry["id"] = cell_id
    print("Running {}: {} code cell{} in ipykernel ({})".format(name, len(cells), "" if len(cells) == 1 else "s", sys.executable), flush=True)
    stop = Stop()
    client = RunClient(nb, timeout=None, allow_errors=False, record_timing=True,
                       resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    failure = asyncio.run(_run(client, nb, record, writer, stop, os.path.dirname(os.path.abspath(path)), name))
    nbformat.write(nb, output_path)
    if failure is not None:
        record["failed"] = failure
    if stop.requested:
        return 130, record
    return (1 if failure is not None else 0), record
