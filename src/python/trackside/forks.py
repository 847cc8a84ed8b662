"""A child process started with fork logs into its parent's run.

fork() copies the run but not its writer thread, and locks held by other threads stay held
in the child. After a fork, every watched object (writers, runs) resets itself in the child:
fresh locks, and a writer thread of its own. A child ends with the interpreter (atexit flushes
it) or, under multiprocessing, with os._exit(), which skips atexit: there, multiprocessing's
own exit hooks flush it.
"""

import os
import sys
import weakref

_watched = weakref.WeakSet()
_hooked = False


def watch(obj):
    """obj._after_fork_in_child() runs in each child forked while obj is alive."""
    global _hooked
    if not _hooked and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _hooked = True
    _watched.add(obj)


def _after_fork_in_child():
    for obj in list(_watched):
        try:
            obj._after_fork_in_child()
        except Exception as e:  # a fork must never fail because of the tracker
            sys.stderr.write("trackside: could not prepare a forked child for logging: {!r}\n".format(e))


def flush_at_child_exit(writer):
    """Under multiprocessing, a forked worker ends with os._exit(): flush it in its exit hooks.

    multiprocessing clears its exit hooks when a forked process starts, then runs its
    after-fork callbacks; the hook is registered from one of those, so it survives.
    """
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.register_after_fork(writer, _register_exit_flush)


def _register_exit_flush(writer):
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.Finalize(None, writer.flush, exitpriority=10)
