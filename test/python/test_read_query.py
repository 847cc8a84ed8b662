"""The query language in Python, on the cases shared with the editor's reader
(test/fixtures/query/cases.json): the same matches from run folders and from the index the
editor builds, the same error messages, and the same SQL."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from support import REPO

import trackside
from trackside.query import QueryError, compile_query

FIXTURE = os.path.join(REPO, "test", "fixtures", "query", "cases.json")
with open(FIXTURE, encoding="utf-8") as f:
    CASES = json.load(f)


def node_available():
    return shutil.which("node") is not None and os.path.isdir(os.path.join(REPO, "node_modules", "tsx"))


def node(args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKSIDE_")}
    full_env.update(env, TZ="UTC")
    return subprocess.run(["node", "--import", "tsx"] + args, cwd=REPO, env=full_env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120).stdout


def write_fixture_runs(root):
    for run in CASES["runs"]:
        folder = os.path.join(root, "runs", run["id"])
        os.makedirs(folder)
        with open(os.path.join(folder, "meta.json"), "w", encoding="utf-8") as f:
            json.dump({"version": 1, "id": run["id"], "created": run["events"][0]["t"]}, f)
        with open(os.path.join(folder, "events.jsonl"), "w", encoding="utf-8") as f:
            for event in run["events"]:
                f.write(json.dumps(event) + "\n")


def ingest(root):
    """Builds <root>/index.db with the editor's own ingest (the CLI)."""
    node([os.path.join("src", "cli.ts"), "ingest", "--json"], TRACKSIDE_HOME=root)


def setUpModule():
    # Dates without an offset are local time: pin it, as the TypeScript suite does.
    global _old_tz
    _old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()


def tearDownModule():
    if _old_tz is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = _old_tz
    time.tzset()


class SharedCases(unittest.TestCase):
    def setUp(self):
        self.root = os.path.join(os.path.realpath(tempfile.mkdtemp(prefix="trackside-query-")), ".trackside")
        self.addCleanup(shutil.rmtree, os.path.dirname(self.root), ignore_errors=True)
        write_fixture_runs(self.root)

    def check_cases(self):
        from trackside.read import runs
        for case in CASES["cases"]:
            found = sorted(r.id for r in runs(where=case["query"] or None, root=self.root, now=CASES["now"]))
            self.assertEqual(found, case["ids"], case["query"])

    def test_cases_from_run_folders(self):
        self.assertFalse(os.path.exists(os.path.join(self.root, "index.db")))
        self.check_cases()

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_cases_from_the_index_the_editor_builds(self):
        ingest(self.root)
        self.assertTrue(os.path.exists(os.path.join(self.root, "index.db")))
        self.check_cases()

    def test_errors_name_the_column_and_what_was_expected(self):
        for case in CASES["errors"]:
            with self.assertRaises(QueryError, msg=case["query"]) as caught:
                compile_query(case["query"], now=CASES["now"])
            self.assertEqual(str(caught.exception), case["message"])
            self.assertEqual(caught.exception.column, case["column"])
        with self.assertRaises(trackside.QueryError):
            trackside.runs(where="status = nope", root=self.root)

    def test_hostile_queries_leave_the_index_untouched(self):
        for payload in ("x' OR 1=1 --", 'x"; DROP TABLE runs; --', "'); DELETE FROM params; --"):
            quoted = json.dumps(payload)
            for query in ("name = " + quoted, "params.{} = 1".format(quoted), "metrics.{}.max > 0".format(quoted), quoted):
                sql, params = compile_query(query)
                self.assertNotIn(payload, sql)
                self.assertEqual(trackside.runs(where=query, root=self.root), [])
        self.assertEqual(len(trackside.runs(root=self.root)), 5)

    def assert_too_big_is_a_query_error(self):
        terms = 2000
        for query in (" ".join(["x"] * terms), " or ".join(["x"] * terms)):
            with self.assertRaises(QueryError, msg=query[:40]) as caught:
                trackside.runs(where=query, root=self.root)
            self.assertIn("too", str(caught.exception))
        self.assertEqual(len(trackside.runs(root=self.root)), 5)

    def test_a_query_too_big_for_sqlite_is_a_query_error(self):
        self.assert_too_big_is_a_query_error()

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_a_query_too_big_for_sqlite_is_a_query_error_on_the_index(self):
        ingest(self.root)
        self.assert_too_big_is_a_query_error()

    @unittest.skipUnless(node_available(), "needs node to compile with the editor's reader")
    def test_same_sql_as_the_editors_reader(self):
        script = ("const {compileQuery} = require('./src/core/query/compile.ts');"
                  "const fx = require('./test/fixtures/query/cases.json');"
                  "process.stdout.write(JSON.stringify(fx.cases.map((c) => compileQuery(c.query, {now: fx.now}))));")
        theirs = json.loads(node(["-e", script]))
        for case, compiled in zip(CASES["cases"], theirs):
            sql, params = compile_query(case["query"], now=CASES["now"])
            self.assertEqual(sql, compiled["sql"], case["query"])
            self.assertEqual(params, compiled["params"], case["query"])


if __name__ == "__main__":
    unittest.main()
