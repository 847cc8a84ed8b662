"""What the client knows about the process it runs in, for its `run` event."""

import os
import platform
import socket
import subprocess
import sys


def process_info():
    return {
        "source": "client",
        "pid": os.getpid(),
        "python": {"executable": sys.executable, "version": platform.python_version()},
        "host": socket.gethostname(),
    }


def launch_info():
    """Command, cwd and script: the editor records these itself for runs it starts."""
    info = {
        "command": list(getattr(sys, "orig_argv", [sys.executable] + sys.argv)),
        "cwd": os.getcwd(),
    }
    script = main_script()
    if script is not None:
        info["script"] = script
    return info


def main_script():
    """Absolute path of the script being run, or None (interactive, -c, -m without a file)."""
    script = sys.argv[0] if sys.argv else ""
    return os.path.abspath(script) if script and os.path.isfile(script) else None


def git_info(cwd, store):
    """{commit, branch, dirty, diff}: the uncommitted diff is kept as a blob. None outside git."""
    commit = _git(cwd, "rev-parse", "HEAD")
    if commit is None:
        return None
    info = {"commit": commit.decode().strip()}
    branch = (_git(cwd, "rev-parse", "--abbrev-ref", "HEAD") or b"").decode().strip()
    if branch and branch != "HEAD":
        info["branch"] = branch
    status = _git(cwd, "status", "--porcelain", "--untracked-files=no")
    if status is not None:
        info["dirty"] = bool(status.strip())
        diff = _git(cwd, "diff", "HEAD", "--binary") if info["dirty"] else None
        if diff:
            info["diff"] = store.put_bytes(diff)[0]
    return info


def _git(cwd, *args):
    """stdout bytes of a git command, or None if git is missing or fails."""
    try:
        done = subprocess.run(
            ("git",) + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
