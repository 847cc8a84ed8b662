"""trackside.runs(team=True) and get_run(team=True) against a real PostgreSQL started for the
test: runs the real client recorded, pushed with `trackside push`, read back equal to the
local reads; the query language checked before connecting; plain errors (no URL, a refused
login) that never show the password; no local .trackside needed."""

import getpass
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

from support import REPO, run_python
from test_read import RECORD

import trackside
from trackside.team import TeamIndexError

CLI = os.path.join(REPO, "dist", "cli.js")


def cli(args, cwd, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKSIDE_", "PG"))}
    full.update(env)
    return subprocess.run(["node", CLI] + args, cwd=cwd, env=full, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, check=False)


class TeamReads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(CLI):
            subprocess.run(["node", "esbuild.mjs"], cwd=REPO, check=True)
        cls.server = subprocess.Popen(["node", "--import", "tsx", os.path.join("test", "support", "teamServer.ts")], cwd=REPO,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True)
        line = cls.server.stdout.readline()
        if not line:
            cls.server.wait(60)
            raise AssertionError("the team server did not start")
        cls.team = json.loads(line)
        cls.workspace = os.path.realpath(tempfile.mkdtemp(prefix="trackside-team-py-"))
        cls.root = os.path.join(cls.workspace, ".trackside")
        done = run_python(RECORD, cls.workspace, TRACKSIDE_HOME=cls.root)
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        pushed = cli(["push"], cls.workspace, TRACKSIDE_TEAM_URL=cls.team["url"], TRACKSIDE_TEAM_BLOBS=cls.team["blobs"],
                     PGPASSWORD=cls.team["password"])
        if pushed.returncode != 0:
            raise AssertionError(pushed.stderr)
        # Reads happen from a folder without .trackside, as a teammate's notebook would.
        cls.elsewhere = os.path.realpath(tempfile.mkdtemp(prefix="trackside-team-elsewhere-"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stdin.close()
        cls.server.wait(60)
        shutil.rmtree(cls.workspace, ignore_errors=True)
        shutil.rmtree(cls.elsewhere, ignore_errors=True)

    def setUp(self):
        env = {"TRACKSIDE_TEAM_URL": self.team["readerUrl"], "PGPASSWORD": self.team["readerPassword"], "TRACKSIDE_CLI": CLI}
        patch = mock.patch.dict(os.environ, env)
        patch.start()
        self.addCleanup(patch.stop)
        cwd = os.getcwd()
        os.chdir(self.elsewhere)
        self.addCleanup(os.chdir, cwd)

    def test_team_runs_read_back_as_recorded(self):
        local = trackside.runs(root=self.root)
        team = trackside.runs(team=True)
        self.assertEqual([r.id for r in team], [r.id for r in local])
        for t, l in zip(team, local):
            self.assertEqual((t.name, t.experiment, t.status, t.tags, t.note), (l.name, l.experiment, l.status, l.tags, l.note))
            self.assertEqual(t.params, l.params)
            self.assertEqual(t.summary, l.summary)
            self.assertAlmostEqual(t.started, l.started, places=3)
            self.assertEqual(t.pushed_by, getpass.getuser())
        base = trackside.get_run("baseline", team=True)
        self.assertEqual(base.summary["loss"], {"last": 0.4, "min": 0.4, "max": 1.0, "count": 5})
        self.assertEqual(sorted(a["name"] for a in base.artifacts), ["model", "weights"])
        self.assertIn("team", repr(base).lower())

    def test_where_experiment_and_limit(self):
        names = lambda **kw: [r.name for r in trackside.runs(team=True, **kw)]
        self.assertEqual(names(where="params.lr < 0.5 and metrics.acc.max >= 0.9"), ["tuned"])
        self.assertEqual(names(where="status:failed or tag:baseline"), ["broken", "baseline"])
        self.assertEqual(names(experiment="mnist"), ["tuned", "baseline"])
        self.assertEqual(names(limit=1), ["broken"])
        self.assertEqual(names(limit=0), [])
        with self.assertRaises(trackside.QueryError) as caught:
            trackside.runs(where="params.lr >", team=True)
        self.assertEqual(caught.exception.column, 12)
        with self.assertRaises(ValueError):
            trackside.runs(order_by="params.lr", team=True)
        with self.assertRaises(ValueError):
            trackside.runs(team=True, root=self.root)
        with self.assertRaises(KeyError):
            trackside.get_run("no-such-run", team=True)

    def test_plain_errors_without_the_password(self):
        with mock.patch.dict(os.environ, {"PGPASSWORD": "not-bobs-pw-51ab"}):
            with self.assertRaises(TeamIndexError) as caught:
                trackside.runs(team=True)
        self.assertIn("refused the login", str(caught.exception))
        self.assertNotIn("51ab", str(caught.exception))
        with mock.patch.dict(os.environ, {"TRACKSIDE_TEAM_URL": ""}):
            with self.assertRaises(TeamIndexError) as caught:
                trackside.runs(team=True)
        self.assertIn("TRACKSIDE_TEAM_URL", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
