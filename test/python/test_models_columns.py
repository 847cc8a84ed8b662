import bisect
import collections
import csv
import io
import math
import random
import statistics

from support import TempDirTest, of_type

from trackside import columns

try:
    import numpy
except ImportError:
    numpy = None


def by_name(summaries):
    return {c["name"]: c for c in summaries}


def csv_text(header, rows, delimiter=","):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def expected_hist(values, fix_after=1000, bins=20):
    """Bins computed here, not by the client: edges from the first values, then bisect."""
    first = values[:fix_after]
    lo, hi = min(first), max(first)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = [lo + (hi - lo) * i / bins for i in range(bins)] + [hi]
    counts, under, over = [0] * bins, 0, 0
    for x in values:
        if x < lo:
            under += 1
        elif x > hi:
            over += 1
        else:
            counts[min(bisect.bisect_right(edges, x) - 1, bins - 1)] += 1
    return edges, counts, under, over


class NumericColumns(TempDirTest):
    def setUp(self):
        super().setUp()
        rnd = random.Random(7)
        # The first 1000 values span [20, 60]; later ones drift outside it both ways.
        self.values = [rnd.uniform(20, 60) for _ in range(1000)] + [rnd.gauss(45, 15) for _ in range(4000)]
        self.rows = []
        for i, x in enumerate(self.values):
            self.rows.append(["" if i % 97 == 0 else repr(x), rnd.choice(["basic", "pro", "team"]), "NA" if i % 5 == 0 else "x"])
        self.path = self.write("data.csv", csv_text(["charges", "plan", "flag"], self.rows))

    def test_count_nulls_mean_std_min_max_match_an_independent_computation(self):
        got = by_name(columns.summarize_file(self.path))["charges"]
        kept = [x for i, x in enumerate(self.values) if i % 97 != 0]
        self.assertEqual(got["type"], "numeric")
        self.assertEqual((got["count"], got["nulls"]), (len(kept), len(self.values) - len(kept)))
        self.assertAlmostEqual(got["mean"], statistics.mean(kept), places=9)
        self.assertAlmostEqual(got["std"], statistics.stdev(kept), places=9)
        self.assertEqual((got["min"], got["max"]), (min(kept), max(kept)))

    def test_the_histogram_is_fixed_after_the_first_values_with_under_and_over_counts(self):
        got = by_name(columns.summarize_file(self.path))["charges"]["hist"]
        kept = [x for i, x in enumerate(self.values) if i % 97 != 0]
        edges, counts, under, over = expected_hist(kept)
        for a, b in zip(got["edges"], edges):
            self.assertAlmostEqual(a, b, places=9)
        self.assertEqual((got["counts"], got["under"], got["over"]), (counts, under, over))
        self.assertGreater(under, 0)
        self.assertGreater(over, 0)
        self.assertEqual(sum(got["counts"]) + got["under"] + got["over"], len(kept))

    def test_a_short_column_is_binned_over_its_whole_range(self):
        path = self.write("short.csv", "x\n3\n1\n2\n2\n")
        got = columns.summarize_file(path)[0]
        self.assertEqual(got["hist"]["edges"][0], 1)
        self.assertEqual(got["hist"]["edges"][-1], 3)
        self.assertEqual((got["hist"]["under"], got["hist"]["over"], sum(got["hist"]["counts"])), (0, 0, 4))
        self.assertEqual(got["hist"]["counts"][-1], 1)  # the max falls in the last bin

    def test_few_distinct_numbers_are_all_counted(self):
        got = columns.summarize_file(self.write("k.csv", "calls\n0\n2\n2.0\n1\n2\n0.5\n"))[0]
        self.assertEqual(got["type"], "numeric")
        self.assertEqual(got["values"], [[0, 1], [0.5, 1], [1, 1], [2, 3]])
        self.assertEqual(got["distinct"], 4)
        many = columns.ColumnStats("x")
        for i in range(100):
            many.add(str(i))
        self.assertNotIn("values", many.summary())

    def test_a_constant_column_gets_a_bin_around_its_value(self):
        got = columns.summarize_file(self.write("c.csv", "x\n5\n5\n5\n"))[0]
        self.assertEqual((got["hist"]["edges"][0], got["hist"]["edges"][-1]), (4.5, 5.5))
        self.assertEqual(got["std"], 0.0)

    def test_against_numpy_when_it_is_there(self):
        if numpy is None:
            self.skipTest("numpy is not installed for this interpreter")
        got = by_name(columns.summarize_file(self.path))["charges"]
        kept = numpy.array([x for i, x in enumerate(self.values) if i % 97 != 0])
        self.assertAlmostEqual(got["mean"], float(kept.mean()), places=9)
        self.assertAlmostEqual(got["std"], float(kept.std(ddof=1)), places=9)
        inside = kept[(kept >= got["hist"]["edges"][0]) & (kept <= got["hist"]["edges"][-1])]
        counts, _ = numpy.histogram(inside, bins=numpy.array(got["hist"]["edges"]))
        self.assertEqual(counts.tolist(), got["hist"]["counts"])


class TextColumns(TempDirTest):
    def test_top_values_are_exact_with_few_distinct_values(self):
        rnd = random.Random(3)
        plans = [rnd.choice(["basic"] * 5 + ["pro"] * 3 + ["team", "<b>x</b>"]) for _ in range(3000)]
        path = self.write("d.tsv", csv_text(["plan", "n"], [[p, "1"] for p in plans], delimiter="\t"))
        got = by_name(columns.summarize_file(path))["plan"]
        expected = sorted(collections.Counter(plans).items(), key=lambda kv: (-kv[1], kv[0]))
        self.assertEqual(got["type"], "text")
        self.assertEqual(got["top"], [list(kv) for kv in expected])
        self.assertEqual(got["values"], [list(kv) for kv in expected])
        self.assertEqual(got["distinct"], 4)

    def test_many_distinct_values_keep_memory_bounded_and_find_the_heavy_ones(self):
        stats = columns.ColumnStats("id")
        for i in range(50000):
            stats.add("frequent" if i % 3 == 0 else "id-{}".format(i))
            self.assertLessEqual(len(stats.slots), columns.SLOTS)
        got = stats.summary()
        self.assertIsNone(got["distinct"])
        self.assertNotIn("values", got)
        self.assertEqual(got["top"][0][0], "frequent")
        # Misra-Gries undercounts by at most n / (slots + 1).
        self.assertGreaterEqual(got["top"][0][1], 50000 // 3 + 1 - 50000 // (columns.SLOTS + 1))

    def test_numeric_buffers_are_released_once_the_edges_are_fixed(self):
        stats = columns.ColumnStats("x")
        for i in range(5000):
            stats.add(str(i))
            if i >= columns.FIX_AFTER:
                self.assertIsNone(stats.buffer)
        self.assertEqual(stats.summary()["max"], 4999)

    def test_one_word_in_a_number_column_makes_it_text_and_nulls_are_nulls(self):
        path = self.write("m.csv", "a,b,c\n1,NaN,1\n2,null,inf\nthree,N/A,2\n,None,3\n")
        got = by_name(columns.summarize_file(path))
        self.assertEqual((got["a"]["type"], got["a"]["count"], got["a"]["nulls"]), ("text", 3, 1))
        self.assertEqual((got["b"]["type"], got["b"]["count"], got["b"]["nulls"]), ("empty", 0, 4))
        self.assertEqual(got["c"]["type"], "text")  # "inf" is not a finite number

    def test_headers_short_rows_and_a_byte_order_mark(self):
        path = self.write("h.csv", "\ufeffx,,x\n1,2,3\n4\n")
        got = columns.summarize_file(path)
        self.assertEqual([c["name"] for c in got], ["x", "column 2", "x (2)"])
        self.assertEqual([c["nulls"] for c in got], [0, 1, 1])


class LogDataset(TempDirTest):
    def test_csv_files_get_columns_others_do_not(self):
        csv_path = self.write("train.csv", "age,plan\n30,a\n40,b\n")
        bin_path = self.write("blob.bin", b"\x00\x01")
        run = self.new_run()
        run.log_dataset(csv_path)
        run.log_dataset(bin_path)
        run.log_dataset(csv_path, name="plain", columns=False)
        with self.assertRaises(ValueError):
            run.log_dataset(self.tmp, columns=True)
        events = of_type(self.finished_events(run), "dataset")
        self.assertEqual([c["name"] for c in events[0]["columns"]], ["age", "plan"])
        self.assertEqual(events[0]["columns"][0]["mean"], 35)
        self.assertNotIn("columns", events[1])
        self.assertNotIn("columns", events[2])

    def test_values_are_finite_json(self):
        path = self.write("x.csv", "v\n1e308\n-1e308\n")
        got = columns.summarize_file(path)[0]
        self.assertTrue(all(math.isfinite(x) for x in got["hist"]["edges"]))
