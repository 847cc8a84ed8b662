"""The sweep's Optuna process (src/python/trackside_sweep/optuna_study.py) with real Optuna."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HELPER = os.path.join(os.path.dirname(__file__), "..", "..", "src", "python", "trackside_sweep", "optuna_study.py")
SPACE = {"x": {"kind": "uniform", "min": -5, "max": 5}, "act": {"kind": "values", "values": ["relu", "tanh"]}}

try:
    import optuna  # noqa: F401

    HAVE_OPTUNA = True
except ImportError:
    HAVE_OPTUNA = False

# Debian's Python is where CI installs python3-optuna: there it must be found.
MUST_HAVE = sys.executable == "/usr/bin/python3"


class Study:
    def __init__(self, storage, *extra):
        self.proc = subprocess.Popen(
            [sys.executable, HELPER, "--storage", storage, "--study", "s", "--space", json.dumps(SPACE), "--seed", "1", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready = json.loads(self.proc.stdout.readline())
        self.next = 0

    def ask(self, op, **body):
        self.next += 1
        self.proc.stdin.write(json.dumps(dict(id=self.next, op=op, **body)) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert answer["id"] == self.next, answer
        return answer

    def close(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        return code


@unittest.skipUnless(HAVE_OPTUNA or MUST_HAVE, "Optuna is not installed for this Python")
class OptunaStudyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.storage = os.path.join(self.dir.name, "optuna.db")

    def tearDown(self):
        self.dir.cleanup()

    def test_suggests_in_the_space_and_resumes_from_its_storage(self):
        study = Study(self.storage)
        self.assertEqual(study.ready["trials"], 0)
        values = []
        for _ in range(4):
            trial = study.ask("ask")
            self.assertTrue(-5 <= trial["params"]["x"] <= 5)
            self.assertIn(trial["params"]["act"], ("relu", "tanh"))
            value = (trial["params"]["x"] - 1) ** 2
            values.append(value)
            self.assertEqual(study.ask("tell", number=trial["number"], state="complete", value=value)["state"], "complete")
        running = study.ask("ask")["number"]
        self.assertEqual(study.close(), 0)

        # A new process (the window reloaded) finds the study, and the trial left running.
        again = Study(self.storage)
        self.assertEqual(again.ready["trials"], 5)
        self.assertEqual(again.ask("report", number=running, step=0, value=3.0), {"id": 1, "prune": False})
        self.assertEqual(again.ask("tell", number=running, state="complete", value=0.5)["state"], "complete")
        self.assertEqual(again.ask("tell", number=running, state="complete", value=0.5)["already"], "complete")
        self.assertIn("error", again.ask("tell", number=99, state="complete", value=1))
        self.assertIn("unknown op", again.ask("bogus")["error"])
        again.close()
        stored = optuna.load_study(study_name="s", storage="sqlite:///" + self.storage)
        self.assertEqual(sorted(t.value for t in stored.trials), sorted(values + [0.5]))

    def test_median_pruner_stops_a_trial_behind_the_others(self):
        study = Study(self.storage, "--prune-min-steps", "1", "--prune-min-trials", "2")
        for x in (0.0, 0.5):
            number = study.ask("ask_fixed", params={"x": x, "act": "relu"})["number"]
            for step in range(4):
                self.assertFalse(study.ask("report", number=number, step=step, value=x + 1 / (step + 1))["prune"])
            study.ask("tell", number=number, state="complete", value=x)
        hopeless = study.ask("ask_fixed", params={"x": 4.0, "act": "tanh"})["number"]
        self.assertFalse(study.ask("report", number=hopeless, step=0, value=5.0)["prune"])  # warm-up step
        self.assertTrue(study.ask("report", number=hopeless, step=1, value=4.5)["prune"])
        self.assertEqual(study.ask("tell", number=hopeless, state="pruned")["state"], "pruned")
        study.close()
        stored = optuna.load_study(study_name="s", storage="sqlite:///" + self.storage)
        self.assertEqual([t.state.name for t in stored.trials], ["COMPLETE", "COMPLETE", "PRUNED"])
        self.assertEqual(stored.trials[2].params, {"x": 4.0, "act": "tanh"})

    def test_importance_ranks_the_parameter_that_moves_the_metric(self):
        study = Study(self.storage)
        trials = [{"params": {"x": x / 2, "act": act}, "value": (x / 2) ** 2} for x in range(-8, 9) for act in ("relu", "tanh")]
        importance = study.ask("importance", trials=trials)["importance"]
        self.assertEqual(set(importance), {"x", "act"})
        self.assertGreater(importance["x"], importance["act"])
        self.assertIn("error", study.ask("importance", trials=trials[:1]))
        study.close()


class MissingOptunaTest(unittest.TestCase):
    def test_says_optuna_is_missing_with_exit_code_3(self):
        # -S leaves site-packages (where Optuna lives) out.
        proc = subprocess.run(
            [sys.executable, "-S", HELPER, "--storage", "x.db", "--study", "s", "--space", "{}"], capture_output=True, text=True, timeout=60
        )
        self.assertEqual(proc.returncode, 3)
        self.assertEqual(json.loads(proc.stdout), {"missing": "optuna", "python": sys.executable})


if __name__ == "__main__":
    unittest.main()
