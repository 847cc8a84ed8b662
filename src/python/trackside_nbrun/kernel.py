"""The kernel of a tracked notebook run: ipykernel, ending when the runner that started it ends.

jupyter_client starts kernels in a session of their own, so a Stop that reaches the runner's
process group does not reach the kernel; and ipykernel's own check (parent pid 1) misses a
parent that died under a subreaper. Watching for any change of parent covers both.
"""

import os
import sys
import threading
import time


def _exit_with(parent):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def main():
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="trackside-parent-watch", daemon=True).start()
    # Like ipykernel_launcher: this script's folder must not shadow the notebook's imports.
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        del sys.path[0]
    # debugpy's warning about frozen modules would otherwise end up in every run's output.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
