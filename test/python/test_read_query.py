"""The query language in Python, on the cases shared with the editor's reader
(test/fixtures/query/cases.json): the same matches from run folders and from the index the
editor builds, the same error messages, and the same SQL."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from unittest import mock

from support import REPO

import trackside
from trackside.query import QueryError, compile_node, compile_query, parse_query

FIXTURE = os.path.join(REPO, "test", "fixtures", "query", "cases.json")
with open(FIXTURE, encoding="utf-8") as f:
    CASES = json.load(f)


def node_available():
    """Whether node and the repository's node_modules are here. In CI (CI set) they must be:
    the parity tests with the editor's reader never skip there."""
    found = shutil.which("node") is not None and os.path.isdir(os.path.join(REPO, "node_modules", "tsx"))
    if not found and os.environ.get("CI"):
        raise RuntimeError("CI is set but node or node_modules is missing: the query and schema parity tests cannot run")
    return found


def node(args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKSIDE_")}
    full_env.update(env, TZ="UTC")
    return subprocess.run(["node", "--import", "tsx"] + args, cwd=REPO, env=full_env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120).stdout


def words(n):
    """Short distinct values that are not keywords: 2,000 of them fit the 10,000-character limit."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = [a + b for a in letters for b in letters] + [a + b + c for a in letters for b in letters for c in letters]
    return [w for w in out if w not in ("in", "or", "and", "not")][:n]


def _compiles(node):
    try:
        compile_node(node)
        return True
    except QueryError:
        return False


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

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_an_index_from_before_the_sweep_column_is_passed_over_for_the_run_folders(self):
        ingest(self.root)
        db = sqlite3.connect(os.path.join(self.root, "index.db"))
        db.executescript("DROP INDEX runs_sweep; ALTER TABLE runs DROP COLUMN sweep; PRAGMA user_version = 6;")
        db.close()
        self.check_cases()
        found = trackside.runs(where='sweep = "lr-grid"', order_by="id", root=self.root)
        self.assertEqual([(r.id, r.sweep) for r in found],
                         [("20260102-120000-aaaaa1", "lr-grid"), ("20260105-120000-bbbbb2", "lr-grid")])

    def test_a_run_says_which_sweep_started_it(self):
        self.assertEqual(trackside.get_run("bert-small", root=self.root).sweep, "LR Grid")
        self.assertIsNone(trackside.get_run("20260120-120000-eeeee5", root=self.root).sweep)  # malformed: left out

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

    def assert_2000_terms_run(self):
        two = words(2000)
        self.assertEqual(len(set(two)), 2000)

        def ids(query):
            return sorted(r.id for r in trackside.runs(where=query, root=self.root, include_deleted=True))
        # Grouped as balanced trees, so SQLite nests them shallowly (as the editor's reader does).
        self.assertEqual(ids(" ".join(["e"] * 2000)), ids("e"))
        self.assertEqual(ids(" or ".join(["r"] * 2000)), ids("r"))
        self.assertEqual(ids("name in ({})".format(",".join(two + ["bert-small"]))), ids("name = bert-small"))
        self.assertEqual(ids("params.opt in ({})".format(",".join(two[:1999] + ["sgd"]))), ids("params.opt = sgd"))
        self.assertEqual(ids("tags in ({})".format(",".join(two[1:] + ["baseline"]))), ids("tags = baseline"))
        for query in ("e", "r", "name = bert-small", "params.opt = sgd", "tags = baseline"):
            self.assertTrue(ids(query), query)

    def test_2000_term_queries_run(self):
        self.assert_2000_terms_run()

    @unittest.skipUnless(node_available(), "needs node and the repository's node_modules to build an index")
    def test_2000_term_queries_run_on_the_index(self):
        ingest(self.root)
        self.assert_2000_terms_run()

    def test_a_query_beyond_what_sqlite_evaluates_is_a_query_error(self):
        def nots(k):
            node = parse_query("params.opt = sgd")
            for _ in range(k):
                node = ("not", node)
            return node

        def ids(where):
            return sorted(r.id for r in trackside.runs(where=where, root=self.root))

        # The parser stops nesting at 100 levels; compiling 1,000 by hand recurses that deep.
        self.addCleanup(sys.setrecursionlimit, sys.getrecursionlimit())
        sys.setrecursionlimit(5000)
        # runs() given parsed queries (the parser itself stops nesting long before this).
        with mock.patch("trackside.read.compile_query", lambda where, now=None: compile_node(where)):
            with self.assertRaises(QueryError) as caught:
                ids(nots(1000))
            self.assertRegex(str(caught.exception), r"^Query error at column 1: expected a smaller query "
                                                     r"\(conditions nested at most 950 deep\), found \d+$")
            # The deepest form the check lets through runs, or (an older SQLite, whose parser
            # stack is shallower) is a QueryError too, never SQLite's own error.
            deepest = max(k for k in range(900, 1000) if _compiles(nots(k)))
            self.assertFalse(_compiles(nots(deepest + 1)))
            for k in (deepest - deepest % 2, deepest):
                try:
                    found = ids(nots(k))
                except QueryError:
                    continue
                if k % 2 == 0:  # an even number of nots is the query itself
                    self.assertEqual(found, ids(parse_query("params.opt = sgd")))
        # Nesting the parser allows, as a user writes it: results, or a QueryError.
        nested = "params.opt = sgd"
        for _ in range(90):
            nested = "not ({})".format(nested)
        try:
            self.assertEqual(ids(nested), ids("params.opt = sgd"))
        except QueryError:
            pass
        with self.assertRaises(QueryError) as caught:
            compile_node(("cmp", ("text", "name"), "in", ["v{}".format(i) for i in range(33000)]))
        self.assertEqual(str(caught.exception), "Query error at column 1: expected a smaller query "
                                                "(at most 32000 values), found 33000 values")

    @unittest.skipUnless(node_available(), "needs node to compile with the editor's reader")
    def test_same_sql_as_the_editors_reader(self):
        big = [" or ".join(["r"] * 2000), "name in ({})".format(",".join(words(2000)))]
        cases = CASES["cases"] + [{"query": q} for q in big]
        script = ("const {compileQuery} = require('./src/core/query/compile.ts');"
                  "const fx = require('./test/fixtures/query/cases.json');"
                  "const big = " + json.dumps(big) + ";"
                  "const qs = fx.cases.map((c) => c.query).concat(big);"
                  "process.stdout.write(JSON.stringify(qs.map((q) => compileQuery(q, {now: fx.now}))));")
        theirs = json.loads(node(["-e", script]))
        self.assertEqual(len(theirs), len(cases))
        for case, compiled in zip(cases, theirs):
            sql, params = compile_query(case["query"], now=CASES["now"])
            self.assertEqual(sql, compiled["sql"], case["query"])
            self.assertEqual(params, compiled["params"], case["query"])


if __name__ == "__main__":
    unittest.main()
