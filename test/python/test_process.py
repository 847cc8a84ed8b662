"""The client inside real processes: exits, crashes, signals and kills."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from support import TempDirTest, client_env, metric_points, of_type, read_events, run_python


class ProcessEnd(TempDirTest):
    def only_run_dir(self):
        runs = os.path.join(self.tmp, ".trackside", "runs")
        (name,) = os.listdir(runs)
        return os.path.join(runs, name)

    def run_script(self, code):
        return run_python(textwrap.dedent(code), self.tmp, TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside"))

    def test_interpreter_exit_finishes_the_run_and_flushes(self):
        done = self.run_script("""
            import trackside
            run = trackside.init()
            for i in range(1000):
                run.log({"loss": 1 / (i + 1)})
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        events = read_events(self.only_run_dir())
        self.assertEqual(len(metric_points(events)["loss"]), 1000)
        self.assertEqual(events[-1], {"t": events[-1]["t"], "type": "status", "status": "finished", "exit_code": None})

    def test_uncaught_exception_fails_the_run_with_its_traceback(self):
        done = self.run_script("""
            import trackside
            run = trackside.init()
            run.log({"loss": 1.0})
            def train():
                raise RuntimeError("exploding gradients")
            train()
        """)
        self.assertEqual(done.returncode, 1)
        self.assertIn("exploding gradients", done.stderr)  # the usual traceback is still printed
        events = read_events(self.only_run_dir())
        statuses = of_type(events, "status")
        self.assertEqual([s["status"] for s in statuses], ["running", "failed"])
        self.assertIn("Traceback", statuses[-1]["error"])
        self.assertIn("in train", statuses[-1]["error"])
        self.assertIn("RuntimeError: exploding gradients", statuses[-1]["error"])
        self.assertEqual(metric_points(events)["loss"], [(0, 1.0)])

    def test_ctrl_c_stops_the_run(self):
        done = self.run_script("""
            import trackside
            trackside.init()
            raise KeyboardInterrupt
        """)
        self.assertNotEqual(done.returncode, 0)
        self.assertEqual(read_events(self.only_run_dir())[-1]["status"], "stopped")

    def test_sys_exit_zero_inside_the_context_manager_is_a_finish(self):
        done = self.run_script("""
            import sys, trackside
            with trackside.init():
                sys.exit(0)
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(read_events(self.only_run_dir())[-1]["status"], "finished")

    def test_sigterm_flushes_stops_and_still_terminates(self):
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent("""
                import sys, time, trackside
                run = trackside.init()
                for i in range(100):
                    run.log({"x": i})
                print("ready", flush=True)
                time.sleep(60)
            """)],
            cwd=self.tmp, env=client_env(TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside")),
            stdout=subprocess.PIPE, universal_newlines=True,
        )
        self.addCleanup(child.kill)
        self.assertEqual(child.stdout.readline().strip(), "ready")
        child.send_signal(signal.SIGTERM)
        self.assertEqual(child.wait(timeout=30), -signal.SIGTERM)
        child.stdout.close()
        events = read_events(self.only_run_dir())
        self.assertEqual(len(metric_points(events)["x"]), 100)
        self.assertEqual((events[-1]["status"], events[-1]["error"]), ("stopped", "SIGTERM"))

    def test_a_sigterm_handler_of_the_script_is_left_alone(self):
        done = self.run_script("""
            import os, signal, trackside
            def handler(signum, frame):
                print("mine")
            signal.signal(signal.SIGTERM, handler)
            trackside.init()
            os.kill(os.getpid(), signal.SIGTERM)
        """)
        self.assertEqual((done.returncode, done.stdout.strip()), (0, "mine"), done.stderr)
        self.assertEqual(read_events(self.only_run_dir())[-1]["status"], "finished")

    def kill_mid_logging(self, pause):
        """SIGKILLs a process logging every `pause` seconds (0: a tight loop) once the writer
        has flushed on its own, twice. How much a kill loses in time is a bench figure."""
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent("""
                import sys, time, trackside
                pause = float(sys.argv[1])
                run = trackside.init()
                i = 0
                print("ready", flush=True)
                while True:
                    run.log({"i": i, "t": time.time()})
                    i += 1
                    if pause:
                        time.sleep(pause)
            """), str(pause)],
            cwd=self.tmp, env=client_env(TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside")),
            stdout=subprocess.PIPE, universal_newlines=True,
        )
        self.addCleanup(child.kill)
        self.assertEqual(child.stdout.readline().strip(), "ready")
        first = self.wait_for_points(1)
        self.wait_for_points(first + 1)  # a second flush, with no finish() or flush() called
        on_disk = self.wait_for_points(first + 1)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        events = read_events(self.only_run_dir(), allow_torn=True)
        self.assertEqual([s["status"] for s in of_type(events, "status")], ["running"])
        points = metric_points(events)
        steps = [step for step, _ in points["i"]]
        self.assertGreaterEqual(len(steps), on_disk)  # nothing flushed before the kill is lost
        self.assertEqual(steps, list(range(len(steps))))  # nothing missing in between
        self.assertEqual([v for _, v in points["i"]], steps)

    def wait_for_points(self, at_least, timeout=60):
        """Polls the run's log until it holds more than `at_least` - 1 points of "i"."""
        deadline = time.time() + timeout
        while True:
            try:
                count = len(metric_points(read_events(self.only_run_dir(), allow_torn=True)).get("i", []))
            except (OSError, AssertionError, ValueError):
                count = 0
            if count >= at_least:
                return count
            if time.time() > deadline:
                self.fail("the writer did not flush {} points by itself".format(at_least))
            time.sleep(0.02)

    @unittest.skipIf(sys.platform == "win32", "SIGKILL")
    def test_sigkill_loses_at_most_the_last_half_second(self):
        self.kill_mid_logging(0.001)

    @unittest.skipIf(sys.platform == "win32", "SIGKILL")
    def test_sigkill_in_a_tight_logging_loop_loses_at_most_the_last_half_second(self):
        self.kill_mid_logging(0)


class Imports(unittest.TestCase):
    def test_importing_the_keras_callback_imports_neither_tensorflow_nor_keras(self):
        done = run_python(textwrap.dedent("""
            import sys
            import trackside, trackside.keras
            from trackside.keras import TracksideCallback
            heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "numpy", "tf_keras"))
            print(heavy)
        """), cwd=os.getcwd())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "[]")
