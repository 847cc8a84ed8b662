"""Every status a run can have: the one list the client, the reader and the query language
use (the editor's is RUN_STATUSES in src/core/events.ts; a unit test checks they agree)."""

RUN_STATUSES = ("running", "finished", "failed", "stopped", "crashed", "pruned")

# The statuses that end a run (all but running).
ENDED_STATUSES = frozenset(s for s in RUN_STATUSES if s != "running")

# What Run.finish() takes: pruned is written by a sweep's scheduler, not by the script.
FINISH_STATUSES = tuple(s for s in RUN_STATUSES if s not in ("running", "pruned"))
