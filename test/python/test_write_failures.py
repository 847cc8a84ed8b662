"""The training script never fails because of Trackside: a full disk, a read-only folder or a
deleted run folder cost one warning on stderr; the run keeps what it could write, writes the
rest when it can, and its final status names the error."""

import os
import shutil
import subprocess
import sys
import textwrap

from support import (Lines, TempDirTest, client_env, metric_points, mount_tmpfs, of_type, read_events, remount,
                     wait_until)

# Logs argv[1] points, says how many, waits for a line on stdin, logs 1000 more, says so,
# waits again and exits normally (atexit finishes the run).
PHASES = textwrap.dedent("""
    import sys, trackside
    run = trackside.init()
    n = 0
    def log_many(k):
        global n
        for _ in range(k):
            run.log({"i": n})
            n += 1
    log_many(int(sys.argv[1]))
    print("logged", n, flush=True)
    sys.stdin.readline()
    log_many(1000)
    print("logged", n, flush=True)
    sys.stdin.readline()
""")


class Child:
    def __init__(self, test, home, first):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PHASES, str(first)], cwd=test.tmp, env=client_env(TRACKSIDE_HOME=home),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        test.addCleanup(self._cleanup)
        self.out = Lines(self.proc.stdout)
        self.err = Lines(self.proc.stderr)

    def _cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()

    def logged(self):
        return int(self.out.wait_for(lambda line: line.startswith("logged"), "a phase to end").split()[1])

    def next_phase(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def end(self):
        self.next_phase()
        code = self.proc.wait(timeout=60)
        return code, [line for line in self.err.rest() if line.strip()]


def run_dir(home):
    runs = os.path.join(home, "runs")
    (name,) = os.listdir(runs)
    return os.path.join(runs, name)


def points_on_disk(folder):
    try:
        return len(metric_points(read_events(folder, allow_torn=True)).get("i", []))
    except (OSError, ValueError):
        return 0


class WriteFailures(TempDirTest):
    def assert_every_point_once(self, folder, count):
        events = read_events(folder)  # strict: no torn line, every line JSON
        self.assertEqual([v for _, v in metric_points(events)["i"]], list(range(count)))
        return events

    def test_a_full_disk_warns_once_keeps_logging_and_writes_the_rest_when_space_returns(self):
        mnt = os.path.join(self.tmp, "small")
        mount_tmpfs(self, mnt, "4m")
        home = os.path.join(mnt, ".trackside")
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            f.write(b"x" * (3 << 20))
        # About 70 bytes a point: 40,000 points do not fit in the 1 MB left, and they are
        # logged faster than the writer can drain them (the old client raised OSError here).
        child = Child(self, home, 40000)
        self.assertEqual(child.logged(), 40000)
        warning = child.err.wait_for(lambda line: line.startswith("trackside:"), "the disk-full warning")
        self.assertIn("No space left on device", warning)
        folder = run_dir(home)
        os.unlink(filler)
        # Space is back: the points kept in memory reach the disk while the script still runs.
        wait_until(lambda: points_on_disk(folder) == 40000, "the kept points on disk")
        child.next_phase()
        self.assertEqual(child.logged(), 41000)
        code, errors = child.end()
        self.assertEqual(code, 0, errors)
        self.assertEqual(errors, [warning])  # one warning, no traceback
        events = self.assert_every_point_once(folder, 41000)
        status = of_type(events, "status")
        self.assertEqual([s["status"] for s in status], ["running", "finished"])
        self.assertIn("No space left on device", status[-1]["error"])

    def test_a_read_only_folder_warns_once_and_the_run_is_written_once_it_is_writable(self):
        mnt = os.path.join(self.tmp, "ro")
        mount_tmpfs(self, mnt, "8m")
        home = os.path.join(mnt, ".trackside")
        os.makedirs(home)
        remount(mnt, "ro")
        child = Child(self, home, 500)  # init() itself cannot make the run folder
        self.assertEqual(child.logged(), 500)
        warning = child.err.wait_for(lambda line: line.startswith("trackside:"), "the read-only warning")
        self.assertIn("Read-only file system", warning)
        remount(mnt, "rw")
        wait_until(lambda: os.path.isdir(os.path.join(home, "runs")) and points_on_disk(run_dir(home)) == 500,
                   "the points on disk once the folder is writable")
        child.next_phase()
        self.assertEqual(child.logged(), 1500)
        code, errors = child.end()
        self.assertEqual(code, 0, errors)
        self.assertEqual(errors, [warning])
        folder = run_dir(home)
        self.assertTrue(os.path.isfile(os.path.join(folder, "meta.json")))
        events = self.assert_every_point_once(folder, 1500)
        self.assertEqual(of_type(events, "run")[0]["source"], "client")
        status = of_type(events, "status")
        self.assertEqual([s["status"] for s in status], ["running", "finished"])
        self.assertIn("Read-only file system", status[-1]["error"])

    def test_a_deleted_run_folder_is_made_again_and_the_rest_of_the_run_goes_there(self):
        home = os.path.join(self.tmp, ".trackside")
        child = Child(self, home, 300)
        self.assertEqual(child.logged(), 300)
        folder = run_dir(home)
        wait_until(lambda: points_on_disk(folder) == 300, "the first points on disk")
        shutil.rmtree(folder)
        child.next_phase()
        self.assertEqual(child.logged(), 1300)
        code, errors = child.end()
        self.assertEqual(code, 0, errors)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("deleted", errors[0])
        self.assertTrue(os.path.isfile(os.path.join(folder, "meta.json")))
        events = read_events(folder)
        self.assertEqual([v for _, v in metric_points(events)["i"]], list(range(300, 1300)))
        status = of_type(events, "status")[-1]
        self.assertEqual(status["status"], "finished")
        self.assertIn("deleted", status["error"])


class FullBlobStore(TempDirTest):
    def test_an_artifact_that_does_not_fit_is_recorded_by_hash_with_one_warning(self):
        import hashlib
        import io
        from unittest import mock

        mnt = os.path.join(self.tmp, "small")
        mount_tmpfs(self, mnt, "1m")
        os.environ["TRACKSIDE_HOME"] = os.path.join(mnt, ".trackside")
        data = os.urandom(2 << 20)
        big = self.write("model.bin", data)
        stderr = io.StringIO()
        with mock.patch("sys.stderr", stderr):
            run = self.new_run()
            digest = run.log_artifact(big)  # does not raise
            run.log({"after": 1})
            events = self.finished_events(run)
        self.assertEqual(digest, hashlib.sha256(data).hexdigest())
        self.assertEqual(of_type(events, "artifact")[0]["hash"], digest)
        self.assertEqual(metric_points(events)["after"], [(0, 1)])
        warnings = stderr.getvalue().splitlines()
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("No space left on device", warnings[0])
        self.assertIn("could not store logged files", of_type(events, "status")[-1]["error"])
        self.assertFalse(os.path.exists(run.blobs.path(digest)))
        self.assertEqual([f for f in os.listdir(run.blobs.dir) if f.startswith(".tmp")], [])


class DeadWriterThread(TempDirTest):
    def test_a_writer_thread_that_died_is_replaced_with_one_warning(self):
        import io
        from unittest import mock

        from trackside import writer

        run = self.new_run()
        real = writer.EventWriter._drain
        calls = []

        def dies_once(self, *args):
            if self is run._writer and not calls:
                calls.append(1)
                raise SystemExit  # escapes any `except Exception`: the thread ends
            return real(self, *args)

        stderr = io.StringIO()
        with mock.patch.object(writer.EventWriter, "_drain", dies_once), mock.patch("sys.stderr", stderr):
            i = 0

            def logged_and_written():
                nonlocal i
                run.log({"i": i})
                i += 1
                return points_on_disk(run.dir) >= 1

            # A point every 10 ms, as a slow training loop would: the points reach the disk
            # while the script runs, without a flush() or finish().
            wait_until(logged_and_written, "points written after the writer thread died", every=0.01)
        events = self.finished_events(run)
        self.assertEqual([v for _, v in metric_points(events)["i"]], list(range(i)))
        warnings = [line for line in stderr.getvalue().splitlines() if line]
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("writer", warnings[0])
