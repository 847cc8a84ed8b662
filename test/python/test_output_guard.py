"""An editor-started run survives its output pipe closing (window reload)."""

import os
import subprocess
import sys
import tempfile
import unittest

from support import CHILD_PYTHONPATH

SCRIPT = r"""
import sys, trackside
run = trackside.init(name="survivor")
print("before", flush=True)
sys.stdin.readline()          # the test closes our stdout pipe, then lets us go on
for i in range(3):
    print("after", i, flush=True)
    run.log({"loss": 1.0 / (i + 1)})
run.finish()
"""


class OutputGuardTest(unittest.TestCase):
    def test_output_moves_to_the_log_when_the_pipe_closes(self):
        with tempfile.TemporaryDirectory() as tmp:
            run_dir = os.path.join(tmp, ".trackside", "runs", "20260101-000000-abcdef")
            os.makedirs(os.path.join(run_dir, "files"))
            env = dict(os.environ, TRACKSIDE_RUN_DIR=run_dir, PYTHONPATH=CHILD_PYTHONPATH)
            proc = subprocess.Popen([sys.executable, "-c", SCRIPT], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            self.assertEqual(proc.stdout.readline().strip(), b"before")
            proc.stdout.close()  # what a dying editor does to the pipe
            proc.stdin.write(b"go\n")
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=60), 0)
            with open(os.path.join(run_dir, "files", "output.log"), encoding="utf-8") as f:
                self.assertIn("after 2", f.read())
            with open(os.path.join(run_dir, "events.jsonl"), encoding="utf-8") as f:
                self.assertIn('"finished"', f.read())


if __name__ == "__main__":
    unittest.main()
