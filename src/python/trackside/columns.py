"""Per-column summaries of a CSV/TSV file for log_dataset, in one streaming pass.

Memory is bounded per column, whatever the number of rows: running count, nulls, mean and
variance (Welford), min and max; for numbers a 20-bin histogram whose edges are fixed from
the min and max of the first 1,000 values (those are buffered, then binned; later values
outside the edges are counted as under/over, so no second pass is needed); for text the 10
most frequent values, counted with Misra-Gries over 64 slots (exact while a column has at
most 64 distinct values; then every value's count is kept too, numbers included, so codes
and counts get a PSI per value instead of per bin). Empty strings and NA, N/A, NaN, null, None (any case) are nulls;
a column is numeric when every non-null value parses as a finite number.
"""

import csv
import math
import os
import sys

FIX_AFTER = 1000
BINS = 20
SLOTS = 64
TOP = 10
MAX_COLUMNS = 2000
MAX_TEXT = 200
NULLS = frozenset(("", "na", "n/a", "nan", "null", "none"))
TABULAR = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


class ColumnStats:
    """Running summary of one column; add() every cell, summary() at the end."""

    __slots__ = ("name", "count", "nulls", "numeric", "mean", "m2", "min", "max", "buffer", "lo", "hi",
                 "width", "counts", "under", "over", "slots", "exact")  # width: half a bin

    def __init__(self, name):
        self.name = name
        self.count = 0  # non-null values
        self.nulls = 0
        self.numeric = True
        self.mean = 0.0
        self.m2 = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.buffer = []  # the first FIX_AFTER numbers, until the edges are fixed
        self.lo = self.hi = self.width = None
        self.counts = None
        self.under = self.over = 0
        self.slots = {}
        self.exact = True

    def add(self, text):
        value = text.strip()
        if value.lower() in NULLS:
            self.nulls += 1
            return
        self.count += 1
        self._count_text(value)
        if not self.numeric:
            return
        try:
            x = float(value)
        except ValueError:
            x = math.nan
        if not math.isfinite(x):
            self.numeric = False  # text from here on; the numeric state is dropped
            self.buffer = self.counts = None
            return
        n = self.count
        d = x - self.mean
        self.mean += d / n
        self.m2 += d * (x - self.mean)
        if x < self.min:
            self.min = x
        if x > self.max:
            self.max = x
        if self.buffer is None:
            self._bin(x)
        else:
            self.buffer.append(x)
            if len(self.buffer) >= FIX_AFTER:
                self._fix_edges()

    def _count_text(self, value):
        # Misra-Gries: when every slot is taken, a new value lowers every count by one.
        slots = self.slots
        if value in slots:
            slots[value] += 1
        elif len(slots) < SLOTS:
            slots[value] = 1
        else:
            self.exact = False
            for key in list(slots):
                slots[key] -= 1
                if slots[key] == 0:
                    del slots[key]

    def _fix_edges(self):
        lo, hi = min(self.buffer), max(self.buffer)
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        # Halves: (hi - lo) may overflow near ±1e308; scaling by 2 is exact otherwise.
        self.lo, self.hi, self.width = lo, hi, (hi / 2 - lo / 2) / BINS
        self.counts = [0] * BINS
        buffered, self.buffer = self.buffer, None
        for x in buffered:
            self._bin(x)

    def _bin(self, x):
        if x < self.lo:
            self.under += 1
        elif x > self.hi:
            self.over += 1
        else:
            self.counts[min(int((x / 2 - self.lo / 2) / self.width), BINS - 1)] += 1

    def summary(self):
        base = {"name": self.name, "count": self.count, "nulls": self.nulls}
        if self.count and self.numeric:
            if self.buffer is not None:
                self._fix_edges()
            edges = [2 * (self.lo / 2 + i * self.width) for i in range(BINS)] + [self.hi]
            var = self.m2 / (self.count - 1) if self.count > 1 else 0.0
            std = math.sqrt(var) if math.isfinite(var) else None  # overflowed: values near ±1e308
            base.update(type="numeric", mean=self.mean if math.isfinite(self.mean) else None, std=std,
                        min=self.min, max=self.max,
                        hist={"edges": edges, "counts": self.counts, "under": self.under, "over": self.over})
            if self.exact:
                # Few distinct numbers (codes, counts): exact counts, for a PSI per value.
                values = {}
                for text, n in self.slots.items():
                    values[float(text)] = values.get(float(text), 0) + n
                base.update(distinct=len(values), values=[[int(v) if v.is_integer() else v, n]
                                                          for v, n in sorted(values.items())])
            return base
        top = sorted(self.slots.items(), key=lambda kv: (-kv[1], kv[0]))
        base.update(type="text" if self.count else "empty", distinct=len(self.slots) if self.exact else None,
                    top=[[value[:MAX_TEXT], n] for value, n in top[:TOP]])
        if self.exact and self.count:
            base["values"] = [[value[:MAX_TEXT], n] for value, n in top]
        return base


def _names(header):
    names, seen = [], set()
    for i, raw in enumerate(header[:MAX_COLUMNS]):
        name = raw.strip() or "column {}".format(i + 1)
        candidate, k = name, 2
        while candidate in seen:
            candidate = "{} ({})".format(name, k)
            k += 1
        seen.add(candidate)
        names.append(candidate)
    return names


def summarize_rows(rows):
    """Summaries of an iterable of rows whose first row is the header."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return []
    columns = [ColumnStats(name) for name in _names(header)]
    width = len(columns)
    for row in rows:
        if not row:
            continue  # a blank line
        n = min(len(row), width)
        for i in range(n):
            columns[i].add(row[i])
        for i in range(n, width):
            columns[i].nulls += 1  # a short row: the missing cells are nulls
    return [c.summary() for c in columns]


def summarize_file(path, delimiter=None):
    """Summaries of a CSV (or, by extension, TSV) file with a header row."""
    if delimiter is None:
        delimiter = TABULAR.get(os.path.splitext(path)[1].lower(), ",")
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as f:
        return summarize_rows(csv.reader(f, delimiter=delimiter))


def dataset_columns(path, columns):
    """What log_dataset records as "columns": None (not tabular, or asked not to) or the list.

    columns=None summarizes .csv/.tsv files and never fails the call; True insists.
    """
    if columns is False:
        return None
    is_file = os.path.isfile(path)
    if columns is None:
        if not is_file or os.path.splitext(path)[1].lower() not in TABULAR:
            return None
        try:
            return summarize_file(path)
        except (OSError, csv.Error, ValueError) as e:
            sys.stderr.write("trackside: no column summaries for {}: {}\n".format(path, e))
            return None
    if not is_file:
        raise ValueError("trackside: column summaries need a CSV/TSV file, not {}".format(path))
    return summarize_file(path)
