import json
import os
import re
import socket
import sys

import trackside
from support import TempDirTest, of_type, read_events

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")


class NewRunFolder(TempDirTest):
    def test_folder_meta_and_first_events(self):
        run = self.new_run(name="baseline", experiment="mnist", params={"lr": 0.1},
                           tags=["a", "b"], notes="first try")
        self.assertRegex(run.id, RUN_ID)
        self.assertEqual(run.dir, os.path.join(self.tmp, ".trackside", "runs", run.id))
        with open(os.path.join(run.dir, "meta.json")) as f:
            meta = json.load(f)
        self.assertEqual(meta["version"], 1)
        self.assertEqual(meta["id"], run.id)
        self.assertIsInstance(meta["created"], int)
        self.assertEqual(sorted(os.listdir(run.dir)), ["events.jsonl", "meta.json"])
        # The run shows up at once, before the writer's first tick.
        first = read_events(run.dir)
        self.assertEqual([e["type"] for e in first], ["run", "status"])
        start = first[0]
        self.assertEqual(start["source"], "client")
        self.assertEqual(start["pid"], os.getpid())
        self.assertEqual(start["python"]["executable"], sys.executable)
        self.assertEqual(start["host"], socket.gethostname())
        self.assertEqual(start["name"], "baseline")
        self.assertEqual(start["experiment"], "mnist")
        self.assertEqual(start["params"], {"lr": 0.1})
        self.assertEqual(start["tags"], ["a", "b"])
        self.assertEqual(start["note"], "first try")
        self.assertEqual(start["cwd"], self.tmp)
        self.assertIsInstance(start["command"], list)
        self.assertEqual(first[1]["status"], "running")

    def test_run_ids_sort_by_start_and_are_unique(self):
        ids = [self.new_run().id for _ in range(5)]
        self.assertEqual(len(set(ids)), 5)
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, ".trackside", "runs"))),
                         sorted(ids))

    def test_git_state_is_recorded_outside_the_editor(self):
        import subprocess

        def git(*args):
            subprocess.run(("git",) + args, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)

        try:
            git("init", "-q", "-b", "main")
        except (OSError, subprocess.CalledProcessError):
            self.skipTest("git is not available")
        self.write("train.py", "print(1)\n")
        git("add", "train.py")
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x")
        self.write("train.py", "print(2)\n")
        run = self.new_run()
        info = of_type(read_events(run.dir), "run")[0]["git"]
        self.assertRegex(info["commit"], r"^[0-9a-f]{40}$")
        self.assertEqual(info["branch"], "main")
        self.assertTrue(info["dirty"])
        with open(os.path.join(run.root, "blobs", "sha256", info["diff"][:2], info["diff"][2:]), "rb") as f:
            self.assertIn(b"+print(2)", f.read())


class WhereRunsGo(TempDirTest):
    def test_trackside_home(self):
        home = os.path.join(self.tmp, "elsewhere")
        os.environ["TRACKSIDE_HOME"] = home
        run = self.new_run()
        self.assertEqual(os.path.dirname(run.dir), os.path.join(home, "runs"))
        self.assertEqual(run.root, home)

    def test_walks_up_to_the_nearest_existing_trackside_folder(self):
        del os.environ["TRACKSIDE_HOME"]
        os.makedirs(os.path.join(self.tmp, ".trackside"))
        deep = os.path.join(self.tmp, "a", "b", "c")
        os.makedirs(deep)
        os.chdir(deep)
        run = self.new_run()
        self.assertEqual(os.path.dirname(run.dir), os.path.join(self.tmp, ".trackside", "runs"))

    def test_creates_trackside_in_the_working_directory_when_there_is_none(self):
        del os.environ["TRACKSIDE_HOME"]
        parent = os.path.dirname(self.tmp)
        while True:
            if os.path.isdir(os.path.join(parent, ".trackside")):
                self.skipTest("a .trackside folder exists above the temp dir: " + parent)
            if os.path.dirname(parent) == parent:
                break
            parent = os.path.dirname(parent)
        os.makedirs("sub")
        os.chdir("sub")
        run = self.new_run()
        self.assertEqual(os.path.dirname(run.dir), os.path.join(self.tmp, "sub", ".trackside", "runs"))


class Attach(TempDirTest):
    def make_editor_run(self):
        run_dir = os.path.join(self.tmp, ".trackside", "runs", "20240101-000000-abcdef")
        os.makedirs(os.path.join(run_dir, "files"))
        with open(os.path.join(run_dir, "meta.json"), "w") as f:
            json.dump({"version": 1, "id": "20240101-000000-abcdef", "created": 1}, f)
        with open(os.path.join(run_dir, "events.jsonl"), "w") as f:
            f.write(json.dumps({"t": 1, "type": "run", "source": "editor", "command": ["python", "x.py"]}) + "\n")
        del os.environ["TRACKSIDE_HOME"]
        os.environ["TRACKSIDE_RUN_DIR"] = run_dir
        return run_dir

    def test_attaches_to_the_run_folder_the_editor_made(self):
        run_dir = self.make_editor_run()
        run = self.new_run(name="named", params={"a": {"b": 2}})
        self.assertEqual(run.dir, run_dir)
        self.assertEqual(run.id, "20240101-000000-abcdef")
        self.assertEqual(run.root, os.path.join(self.tmp, ".trackside"))
        run.log({"x": 1})
        events = self.finished_events(run)
        self.assertEqual(events[0], {"t": 1, "type": "run", "source": "editor", "command": ["python", "x.py"]})
        mine = events[1]
        self.assertEqual(mine["type"], "run")
        self.assertEqual(mine["source"], "client")
        self.assertEqual(mine["pid"], os.getpid())
        self.assertEqual(mine["name"], "named")
        self.assertEqual(mine["params"], {"a/b": 2})
        self.assertNotIn("command", mine)  # the editor already said how it started the run
        self.assertEqual([e["type"] for e in events[2:]], ["status", "metrics", "status"])
        with open(os.path.join(run_dir, "meta.json")) as f:
            self.assertEqual(json.load(f)["created"], 1)  # left as the editor wrote it
        self.assertEqual(os.listdir(os.path.join(self.tmp, ".trackside", "runs")), ["20240101-000000-abcdef"])

    def test_a_second_init_in_the_same_process_continues_the_run(self):
        self.make_editor_run()
        run = self.new_run()
        again = trackside.init(experiment="later")
        self.assertIs(again, run)
        events = self.finished_events(run)
        self.assertEqual([e.get("experiment") for e in of_type(events, "run")], [None, None, "later"])

    def test_attaches_to_a_folder_that_does_not_exist_yet(self):
        run_dir = os.path.join(self.tmp, "custom", "runs", "my-run")
        os.environ["TRACKSIDE_RUN_DIR"] = run_dir
        run = self.new_run()
        self.assertEqual(run.id, "my-run")
        with open(os.path.join(run_dir, "meta.json")) as f:
            self.assertEqual(json.load(f)["id"], "my-run")
        self.assertEqual(run.root, os.path.join(self.tmp, "custom"))


class Lifecycle(TempDirTest):
    def test_params_tags_and_note(self):
        run = self.new_run(tags="solo")
        run.log_params({"model": {"depth": 3, "act": "relu", "dropout": None},
                        "lr": 0.01, "nan": float("nan"), "fast": True, "obj": [1, 2]})
        run.add_tags("baseline", "cpu")
        run.add_tags(["listed", "too"])
        run.add_tags({"set"})
        run.remove_tags("cpu")
        run.set_note("tried a smaller lr")
        events = self.finished_events(run)
        self.assertEqual(of_type(events, "params")[0]["values"], {
            "model/depth": 3, "model/act": "relu", "model/dropout": None, "lr": 0.01,
            "nan": "NaN", "fast": True, "obj": "[1, 2]"})
        self.assertEqual([(e.get("add"), e.get("remove")) for e in of_type(events, "tags")],
                         [(["baseline", "cpu"], None), (["listed", "too"], None), (["set"], None),
                          (None, ["cpu"])])
        self.assertEqual(of_type(events, "run")[0]["tags"], ["solo"])
        self.assertEqual(of_type(events, "note")[0]["text"], "tried a smaller lr")

    def test_finish_is_idempotent_and_ends_logging(self):
        run = self.new_run()
        run.finish()
        run.finish()
        run.finish("failed")
        statuses = of_type(read_events(run.dir), "status")
        self.assertEqual([(s["status"], s.get("exit_code", "absent")) for s in statuses],
                         [("running", "absent"), ("finished", None)])
        with self.assertRaises(RuntimeError):
            run.log({"a": 1})
        with self.assertRaises(ValueError):
            self.new_run().finish("done")

    def test_context_manager_finishes_or_fails(self):
        with self.new_run() as run:
            run.log({"a": 1})
        self.assertEqual(of_type(read_events(run.dir), "status")[-1]["status"], "finished")
        with self.assertRaises(ZeroDivisionError):
            with self.new_run() as run:
                1 / 0
        last = of_type(read_events(run.dir), "status")[-1]
        self.assertEqual(last["status"], "failed")
        self.assertIn("ZeroDivisionError", last["error"])
        self.assertIn("Traceback", last["error"])
        with self.assertRaises(KeyboardInterrupt):
            with self.new_run() as run:
                raise KeyboardInterrupt
        self.assertEqual(of_type(read_events(run.dir), "status")[-1]["status"], "stopped")
