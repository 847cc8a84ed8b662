"""Ending runs with the process: atexit, uncaught exceptions and SIGTERM.

Installed once, on the first init(). sys.excepthook and SIGTERM are chained, not replaced:
the previous hook still runs, and a SIGTERM still ends the process the default way.
"""

import atexit
import os
import signal
import sys
import threading
import traceback

_active = []
_installed = False


def watch(run):
    global _installed
    _active.append(run)
    if _installed:
        return
    _installed = True
    atexit.register(_at_exit)
    previous = sys.excepthook

    def excepthook(exc_type, exc, tb):
        _end_all(*outcome(exc_type, exc, tb))
        previous(exc_type, exc, tb)

    sys.excepthook = excepthook
    # Only where nobody else handles SIGTERM, and only the main thread may set handlers.
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL):
        signal.signal(signal.SIGTERM, _on_sigterm)


def forget(run):
    if run in _active:
        _active.remove(run)


def outcome(exc_type, exc, tb):
    """(status, error) for a run ended by an exception."""
    if issubclass(exc_type, KeyboardInterrupt):
        return "stopped", "KeyboardInterrupt"
    if issubclass(exc_type, SystemExit) and exc.code in (None, 0):
        return "finished", None
    return "failed", "".join(traceback.format_exception(exc_type, exc, tb))


def _end_all(status, error):
    for run in list(_active):
        run._end(status, error)


def _at_exit():
    _end_all("finished", None)


def _on_sigterm(signum, _frame):
    _end_all("stopped", "SIGTERM")
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
