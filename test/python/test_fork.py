"""A child process started with fork logs into the parent's run: its points are kept, the
parent's are not written twice, and only the parent ends the run."""

import collections
import os
import sys
import textwrap
import unittest

from support import TempDirTest, metric_points, of_type, read_events, run_python


@unittest.skipUnless(hasattr(os, "fork"), "fork")
class ForkedChildren(TempDirTest):
    def run_script(self, code):
        done = run_python(textwrap.dedent(code), self.tmp, TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside"))
        self.assertEqual(done.returncode, 0, done.stderr)
        # Python 3.12+ warns about any fork of a process with threads; nothing else is said.
        said = [line for line in done.stderr.splitlines() if "trackside" in line or "Traceback" in line]
        self.assertEqual(said, [], done.stderr)
        runs = os.path.join(self.tmp, ".trackside", "runs")
        (name,) = os.listdir(runs)
        return read_events(os.path.join(runs, name))

    def assert_points(self, events, expected):
        points = metric_points(events)
        self.assertEqual({key: sorted(v for _, v in points[key]) for key in expected}, expected)
        self.assertEqual([s["status"] for s in of_type(events, "status")], ["running", "finished"])

    def test_a_child_that_exits_normally_keeps_its_points(self):
        events = self.run_script("""
            import os, sys, trackside
            run = trackside.init()
            for i in range(100):
                run.log({"parent": i})   # queued, not yet written, when the child is forked
            pid = os.fork()
            if pid == 0:
                for i in range(500):
                    run.log({"child": i})
                sys.exit(0)
            _, status = os.waitpid(pid, 0)
            assert status == 0, status
            for i in range(100, 200):
                run.log({"parent": i})
        """)
        self.assert_points(events, {"parent": list(range(200)), "child": list(range(500))})

    def test_a_child_that_flushes_before_os_exit_keeps_its_points(self):
        events = self.run_script("""
            import os, trackside
            run = trackside.init()
            pid = os.fork()
            if pid == 0:
                for i in range(500):
                    run.log({"child": i})
                run.flush()
                os._exit(0)
            os.waitpid(pid, 0)
        """)
        self.assert_points(events, {"child": list(range(500))})

    def test_multiprocessing_fork_workers_keep_their_points(self):
        events = self.run_script("""
            import multiprocessing, trackside
            run = trackside.init()

            def work(n):
                for i in range(500):
                    run.log({"worker": n * 1000 + i})

            if __name__ == "__main__":
                ctx = multiprocessing.get_context("fork")
                workers = [ctx.Process(target=work, args=(n,)) for n in range(3)]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join()
                    assert w.exitcode == 0, w.exitcode
        """)
        expected = sorted(n * 1000 + i for n in range(3) for i in range(500))
        self.assert_points(events, {"worker": expected})

    def test_a_child_does_not_end_the_run(self):
        events = self.run_script("""
            import os, trackside
            run = trackside.init()
            pid = os.fork()
            if pid == 0:
                run.log({"child": 1})
                run.finish()
                os._exit(0)
            os.waitpid(pid, 0)
            run.log({"parent": 1})
        """)
        self.assertEqual(collections.Counter(e["type"] for e in events)["status"], 2)
        self.assert_points(events, {"child": [1], "parent": [1]})
