"""The run query language, compiled to a parameterized SQL condition over the index.

The same grammar, the same SQL and the same error messages as the editor's reader
(src/core/query/*.ts); test/fixtures/query/cases.json holds the cases both are tested on.

    query   := [or] end
    or      := and ('or' and)*
    and     := unary (['and'] unary)*          two conditions side by side are ANDed
    unary   := 'not' unary | primary
    primary := '(' or ')' | field op value | field ['not'] 'contains' value
             | field ['not'] 'in' '(' value (',' value)* ')' | word | "string"

Fields: id name experiment sweep status tags note job source host started ended updated duration
git.commit git.branch dataset dataset.name dataset.path dataset.hash params.<key>
metrics.<key>.<last|min|max|count>. Operators: = == : != < <= > >= ~ !~ contains in.
`~` is a case-insensitive substring match in which `*` matches anything.
"""

import calendar
import json
import math
import re
import time

from .statuses import RUN_STATUSES

MAX_QUERY_LENGTH = 10000
MAX_DEPTH = 100

# Spelled out (not \d, \s) so they mean what the TypeScript ones mean.
_SPACE = " \t\r\n"
_DATE_TOKEN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?")
_WORD = re.compile(r"[^ \t\r\n()=!<>~:,\"']+")
_OPS = ("<=", ">=", "!=", "!~", "==", "=", "<", ">", "~", ":")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
_KEYWORDS = frozenset(("and", "or", "not", "contains", "in", "&&", "||"))
_OP_TEXT = {"=": ("=", False), "==": ("=", False), ":": ("=", False), "!=": ("=", True),
            "<": ("<", False), "<=": ("<=", False), ">": (">", False), ">=": (">=", False),
            "~": ("~", False), "!~": ("~", True)}

_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_DURATION = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d|w))+$")
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)")
_DATE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3}))?)?"
    r"(Z|([+-])([0-9]{2}):?([0-9]{2}))?)?$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000, "w": 604800000}

_TEXT_COLUMNS = {"id": "id", "name": "name", "experiment": "experiment", "note": "note", "job": "job",
                 "source": "source", "host": "host", "git.branch": "git_branch", "sweep": "sweep"}
_AGGS = ("last", "min", "max", "count")
FIELD_NAMES = ("id", "name", "experiment", "sweep", "status", "tags", "note", "job", "source", "host", "started",
               "ended", "updated", "duration", "git.commit", "git.branch", "dataset", "dataset.name",
               "dataset.path", "dataset.hash", "params.<key>", "metrics.<key>.<last|min|max|count>")
_EXPECTED_FIELD = "a field ({})".format(", ".join(FIELD_NAMES))
_TEXT_OPS = ("=", "~", "contains", "in")
_ORDER_OPS = ("=", "<", "<=", ">", ">=")
_ALL_OPS = ("=", "<", "<=", ">", ">=", "~", "contains", "in")

_TIME_SQL = {"started": "coalesce(r.started, r.created)", "ended": "r.ended", "updated": "r.updated"}
_DURATION_SQL = "(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))"


class QueryError(ValueError):
    """A query that cannot be read: the 1-based column and what was expected there."""

    def __init__(self, column, expected, found):
        super().__init__("Query error at column {}: expected {}, found {}".format(column, expected, found))
        self.column = column
        self.expected = expected
        self.found = found


# Tokens are (kind, text, pos, quoted_key, suffix); kinds: word string op lparen rparen comma end.

def _describe(tok):
    if tok[0] == "end":
        return "end of query"
    if tok[0] == "string":
        return json.dumps(tok[1], ensure_ascii=False)
    return "'{}'".format(tok[1])


def _read_string(query, start):
    quote = query[start]
    out = []
    i = start + 1
    while i < len(query):
        c = query[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\" and i + 1 < len(query):
            e = query[i + 1]
            out.append(_ESCAPES.get(e, "\\" + e))
            i += 2
            continue
        out.append(c)
        i += 1
    raise QueryError(len(query) + 1, "a closing {} for the string at column {}".format(quote, start + 1),
                     "end of query")


def tokenize(query):
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(MAX_QUERY_LENGTH + 1, "a query of at most {} characters".format(MAX_QUERY_LENGTH),
                         "{} characters".format(len(query)))
    tokens = []
    i = 0
    n = len(query)
    while i < n:
        c = query[i]
        if c in _SPACE:
            i += 1
            continue
        if c in "(),":
            tokens.append(({"(": "lparen", ")": "rparen", ",": "comma"}[c], c, i, None, None))
            i += 1
            continue
        if c in "\"'":
            text, end = _read_string(query, i)
            tokens.append(("string", text, i, None, None))
            i = end
            continue
        op = next((o for o in _OPS if query.startswith(o, i)), None)
        if op:
            tokens.append(("op", op, i, None, None))
            i += len(op)
            continue
        if c == "!":
            raise QueryError(i + 1, "'!=' or '!~'", "'!'")
        date = _DATE_TOKEN.match(query, i)
        word = _WORD.match(query, i)
        text = date.group(0) if date and len(date.group(0)) >= len(word.group(0)) else word.group(0)
        pos = i
        i += len(text)
        quoted_key = suffix = None
        if text.endswith(".") and i < n and query[i] in "\"'":
            quoted_key, i = _read_string(query, i)
            rest = _WORD.match(query, i) if i < n and query[i] == "." else None
            if rest:
                suffix = rest.group(0)
                i += len(suffix)
        tokens.append(("word", text, pos, quoted_key, suffix))
    tokens.append(("end", "", n, None, None))
    return tokens


def parse_number(text):
    return float(text) if _NUMBER.match(text) else None


def parse_duration(text):
    """Milliseconds; a plain number is seconds."""
    n = parse_number(text)
    if n is not None:
        return n * 1000
    if not _DURATION.match(text):
        return None
    return sum(float(m.group(1)) * _UNIT_MS[m.group(2)] for m in _DURATION_PART.finditer(text))


def _js_round(x):
    return int(math.floor(x + 0.5))


def _days_in_month(y, m):
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]


def parse_time(text, now):
    """(lo, hi) unix ms: the span a written time stands for (a day, a minute...); -7d is a point."""
    if text.startswith("-"):
        ago = parse_duration(text[1:])
        if ago is None or parse_number(text[1:]) is not None:
            return None
        t = _js_round(now - ago)
        return t, t + 1
    m = _DATE.match(text)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if mo < 1 or mo > 12 or d < 1 or d > _days_in_month(y, mo):
        return None
    h = int(m.group(4) or 0)
    mi = int(m.group(5) or 0)
    s = int(m.group(6) or 0)
    ms = int(m.group(7).ljust(3, "0")) if m.group(7) else 0
    if h > 23 or mi > 59 or s > 59:
        return None
    unit = 0 if m.group(4) is None else 60000 if m.group(6) is None else 1000 if m.group(7) is None else 1
    if m.group(8) is not None:
        offset = 0 if m.group(8) == "Z" else \
            (-1 if m.group(9) == "-" else 1) * (int(m.group(10)) * 60 + int(m.group(11))) * 60000
        lo = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000 + ms - offset
        return lo, lo + (unit or 86400000)
    lo = int(time.mktime((y, mo, d, h, mi, s, 0, 0, -1))) * 1000 + ms
    # A local day is not always 24 h long (daylight saving time): end at the next midnight.
    hi = int(time.mktime((y, mo, d + 1, 0, 0, 0, 0, 0, -1))) * 1000 if unit == 0 else lo + unit
    return lo, hi


def resolve_field(word, quoted_key=None, suffix=None):
    """('text', column) ('status',) ('commit',) ('time', column) ('duration',) ('tags',)
    ('dataset', part) ('param', key) ('metric', key, agg), or None."""
    lower = word.lower()
    if quoted_key is not None:
        if lower == "params." and suffix is None:
            return ("param", quoted_key)
        if lower == "metrics.":
            if suffix is None:
                return ("metric", quoted_key, "last")
            agg = suffix[1:].lower()
            return ("metric", quoted_key, agg) if agg in _AGGS and suffix[0] == "." else None
        return None
    if lower.startswith("params.") and len(word) > 7:
        return ("param", word[7:])
    if lower.startswith("metrics.") and len(word) > 8:
        rest = word[8:]
        dot = rest.rfind(".")
        agg = rest[dot + 1:].lower()
        if dot > 0 and agg in _AGGS:
            return ("metric", rest[:dot], agg)
        return ("metric", rest, "last")
    if lower in _TEXT_COLUMNS:
        return ("text", _TEXT_COLUMNS[lower])
    if lower == "status":
        return ("status",)
    if lower in ("tags", "tag"):
        return ("tags",)
    if lower in ("started", "ended", "updated"):
        return ("time", lower)
    if lower == "duration":
        return ("duration",)
    if lower in ("git.commit", "commit"):
        return ("commit",)
    if lower == "dataset":
        return ("dataset", "any")
    if lower in ("dataset.name", "dataset.path", "dataset.hash"):
        return ("dataset", lower[8:])
    return None


def _field_ops(field):
    if field[0] in ("time", "duration", "metric"):
        return _ORDER_OPS
    if field[0] == "param":
        return _ALL_OPS
    return _TEXT_OPS


def _describe_ops(field):
    written = []
    for op in _field_ops(field):
        if op == "=":
            written += ["=", "!="]
        elif op == "~":
            written += ["~", "!~"]
        elif op in ("contains", "in"):
            written.append("'{}'".format(op))
        else:
            written.append(op)
    return "{} or {}".format(", ".join(written[:-1]), written[-1])


def _keyword(tok):
    if tok[0] != "word" or tok[3] is not None:
        return None
    k = tok[1].lower()
    return k if k in _KEYWORDS else None


class _Parser:
    """Nodes: ('all',) ('and', items) ('or', items) ('not', item) ('text', value)
    ('cmp', field, op, values)."""

    def __init__(self, query, now):
        self.tokens = tokenize(query)
        self.now = now
        self.i = 0
        self.depth = 0

    def parse(self):
        if self.peek()[0] == "end":
            return ("all",)
        node = self.or_()
        t = self.peek()
        if t[0] != "end":
            raise self.error(t, "'and', 'or' or end of query")
        return node

    def peek(self, offset=0):
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def next(self):
        t = self.tokens[self.i]
        self.i += 1
        return t

    def error(self, tok, expected):
        return QueryError(tok[2] + 1, expected, _describe(tok))

    def or_(self):
        items = [self.and_()]
        while _keyword(self.peek()) in ("or", "||"):
            self.next()
            items.append(self.and_())
        return items[0] if len(items) == 1 else ("or", items)

    def and_(self):
        items = [self.unary()]
        while True:
            k = _keyword(self.peek())
            if k in ("and", "&&"):
                self.next()
                items.append(self.unary())
            elif self.starts_condition(self.peek()):
                items.append(self.unary())
            else:
                break
        return items[0] if len(items) == 1 else ("and", items)

    def starts_condition(self, tok):
        if tok[0] in ("lparen", "string"):
            return True
        if tok[0] != "word":
            return False
        return _keyword(tok) in (None, "not")

    def enter(self, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok, "at most {} nested conditions".format(MAX_DEPTH))

    def unary(self):
        if _keyword(self.peek()) == "not":
            t = self.next()
            self.enter(t)
            item = self.unary()
            self.depth -= 1
            return ("not", item)
        return self.primary()

    def primary(self):
        t = self.peek()
        if t[0] == "lparen":
            self.next()
            self.enter(t)
            node = self.or_()
            self.depth -= 1
            close = self.peek()
            if close[0] != "rparen":
                raise self.error(close, "'and', 'or' or ')'")
            self.next()
            return node
        if t[0] == "string":
            self.next()
            return ("text", t[1])
        if t[0] != "word" or _keyword(t) is not None:
            raise self.error(t, "a condition")
        after = self.peek(1)
        k = _keyword(after)
        is_comparison = after[0] == "op" or k in ("contains", "in") or \
            (k == "not" and _keyword(self.peek(2)) in ("contains", "in"))
        self.next()
        if not is_comparison:
            if t[3] is not None:
                raise self.error(after, "an operator")
            return ("text", t[1])
        field = resolve_field(t[1], t[3], t[4])
        if field is None:
            raise self.error(t, _EXPECTED_FIELD)
        return self.comparison(field)

    def comparison(self, field):
        op_tok = self.next()
        if op_tok[0] == "op":
            op, negate = _OP_TEXT[op_tok[1]]
        else:
            negate = _keyword(op_tok) == "not"
            op = _keyword(self.next() if negate else op_tok)
        if op not in _field_ops(field):
            raise self.error(op_tok, _describe_ops(field))
        if op == "in":
            opening = self.next()
            if opening[0] != "lparen":
                raise self.error(opening, "'(' and a list of values")
            values = [self.value(field, op)]
            while True:
                sep = self.next()
                if sep[0] == "rparen":
                    break
                if sep[0] != "comma":
                    raise self.error(sep, "',' or ')'")
                values.append(self.value(field, op))
        else:
            values = [self.value(field, op)]
        node = ("cmp", field, op, values)
        return ("not", node) if negate else node

    def value(self, field, op):
        t = self.next()
        if t[0] not in ("word", "string") or (t[0] == "word" and _keyword(t) is not None) or t[3] is not None:
            raise self.error(t, "a value")
        bare = t[0] == "word"
        text = t[1]
        kind = field[0]
        if kind == "status":
            s = text.lower()
            if s not in RUN_STATUSES:
                raise self.error(t, "a status ({})".format(", ".join(RUN_STATUSES)))
            return s
        if kind == "time":
            span = parse_time(text, self.now)
            if span is None:
                raise self.error(t, "a date (2026-01-31, 2026-01-31T12:00, an ISO date and time, or -7d)")
            return span
        if kind == "duration":
            ms = parse_duration(text)
            if ms is None:
                raise self.error(t, "a duration (90s, 5m, 1h30m, 2d, or seconds)")
            return ms
        if kind == "metric":
            n = parse_number(text)
            if n is None:
                raise self.error(t, "a number")
            return n
        if kind == "param":
            n = parse_number(text) if bare else None
            if op in ("<", "<=", ">", ">="):
                if n is None:
                    raise self.error(t, "a number")
                return n
            if not bare or op in ("~", "contains"):
                return text
            if n is not None:
                return n
            lower = text.lower()
            if lower in ("true", "false"):
                return lower == "true"
            if lower == "null":
                return None
            return text
        return text


def parse_query(query, now=None):
    return _Parser(query, time.time() * 1000 if now is None else now).parse()


def like_pattern(text, wildcards):
    """%text% for LIKE with \\ as the escape; * in a ~ pattern matches anything."""
    escaped = re.sub(r"[\\%_]", lambda m: "\\" + m.group(0), text)
    return "%{}%".format(escaped.replace("*", "%") if wildcards else escaped)


def _cost(node):
    kind = node[0]
    if kind in ("and", "or"):
        return max(_cost(x) for x in node[1])
    if kind == "not":
        return _cost(node[1])
    if kind == "text":
        return 2
    if kind == "cmp":
        return {"tags": 1, "dataset": 2, "param": 3, "metric": 4}.get(node[1][0], 0)
    return 0


# SQLite refuses an expression nested deeper than 1000 and more than 32766 bound values. Checked
# here, with room for the conditions runs() puts around a query, so a query SQLite would
# refuse is a QueryError and never SQLite's own text (the same limits as the editor's reader).
MAX_SQL_DEPTH = 950
MAX_SQL_VALUES = 32000
CONDITION_DEPTH = 12  # how deep one condition's SQL is at most (EXISTS, a subquery's ANDs, functions)
FLAT_TERMS = 8  # up to this many terms are joined flat (a OR b OR c); more as a balanced tree


def _too_big(expected, found):
    return QueryError(1, "a smaller query ({})".format(expected), found)


def _joined(parts, op):
    """Terms joined by one operator: flat when few, else halves in parentheses, so n terms
    nest about log2(n) deep rather than n."""
    if len(parts) <= FLAT_TERMS:
        return "({})".format((" " + op + " ").join(parts))
    half = (len(parts) + 1) // 2
    return "({} {} {})".format(_joined(parts[:half], op), op, _joined(parts[half:], op))


def _joined_depth(n):
    return max(0, n - 1) if n <= FLAT_TERMS else 1 + _joined_depth((n + 1) // 2)


def _sql_depth(node):
    """An upper bound of how deep the compiled SQL of node nests."""
    kind = node[0]
    if kind in ("and", "or"):
        return _joined_depth(len(node[1])) + max([0] + [_sql_depth(x) for x in node[1]])
    if kind == "not":
        return 1 + _sql_depth(node[1])
    if kind == "cmp":
        return CONDITION_DEPTH + _joined_depth(len(node[3]))
    return CONDITION_DEPTH


class _Compiler:
    """Every value, key and pattern becomes a bound parameter (@q0, @q1...)."""

    def __init__(self):
        self.params = {}

    def bind(self, value):
        name = "q{}".format(len(self.params))
        self.params[name] = value
        return "@" + name

    def node(self, n):
        kind = n[0]
        if kind == "all":
            return "1"
        if kind == "and":
            ordered = [x for _, _, x in sorted((_cost(x), i, x) for i, x in enumerate(n[1]))]
            return _joined([self.node(x) for x in ordered], "AND")
        if kind == "or":
            return _joined([self.node(x) for x in n[1]], "OR")
        if kind == "not":
            return "NOT ({})".format(self.node(n[1]))
        if kind == "text":
            p = self.bind(like_pattern(n[1], False))

            def like(col):
                return "coalesce({}, '') LIKE {} ESCAPE '\\'".format(col, p)
            return "({} OR {} OR {} OR {} OR EXISTS (SELECT 1 FROM tags t WHERE t.rid = r.rid AND {}))".format(
                like("r.id"), like("r.name"), like("r.experiment"), like("r.note"), like("t.tag"))
        return self.cmp(n[1], n[2], n[3])

    def any_of(self, values, one):
        return one(values[0]) if len(values) == 1 else _joined([one(v) for v in values], "OR")

    def text_cmp(self, col, op, values, is_):
        if op in ("~", "contains"):
            return "coalesce({}, '') LIKE {} ESCAPE '\\'".format(col, self.bind(like_pattern(values[0], op == "~")))
        return self.any_of(values, lambda v: is_(col, v))

    def col_is(self, col, v):
        return "{} IS {}".format(col, self.bind(v))

    def hash_is(self, col, v):
        p = self.bind(v)
        return "({c} IS {p} OR (length({p}) >= 4 AND substr({c}, 1, length({p})) IS {p}))".format(c=col, p=p)

    def time_cmp(self, col, op, span):
        has = "{} IS NOT NULL AND ".format(col)
        if op == "=":
            return "({}{} >= {} AND {} < {})".format(has, col, self.bind(span[0]), col, self.bind(span[1]))
        if op == "<":
            return "({}{} < {})".format(has, col, self.bind(span[0]))
        if op == "<=":
            return "({}{} < {})".format(has, col, self.bind(span[1]))
        if op == ">":
            return "({}{} >= {})".format(has, col, self.bind(span[1]))
        return "({}{} >= {})".format(has, col, self.bind(span[0]))

    def cmp(self, f, op, values):
        kind = f[0]
        if kind == "text":
            return self.text_cmp("r." + f[1], op, values, self.col_is)
        if kind == "status":
            return self.text_cmp("r.status", op, values, self.col_is)
        if kind == "commit":
            return self.text_cmp("r.git_commit", op, values, self.hash_is)
        if kind == "time":
            return self.time_cmp(_TIME_SQL[f[1]], op, values[0])
        if kind == "duration":
            return "({d} IS NOT NULL AND {d} {op} {v})".format(d=_DURATION_SQL, op=op, v=self.bind(values[0]))
        if kind == "tags":
            cond = self.text_cmp("t.tag", "=" if op == "contains" else op, values,
                                 lambda col, v: "{} = {}".format(col, self.bind(v)))
            return "EXISTS (SELECT 1 FROM tags t WHERE t.rid = r.rid AND {})".format(cond)
        if kind == "dataset":
            part = f[1]
            if op in ("~", "contains"):
                p = self.bind(like_pattern(values[0], op == "~"))
                cols = ["d.name", "d.path", "d.hash"] if part == "any" else ["d." + part]
                cond = "({})".format(" OR ".join("{} LIKE {} ESCAPE '\\'".format(c, p) for c in cols))
            else:
                def one(v):
                    if part == "hash":
                        return self.hash_is("d.hash", v)
                    if part == "any":
                        name = self.bind(v)
                        return "(d.name = {} OR {})".format(name, self.hash_is("d.hash", v))
                    return "d.{} = {}".format(part, self.bind(v))
                cond = self.any_of(values, one)
            return "EXISTS (SELECT 1 FROM datasets d WHERE d.rid = r.rid AND {})".format(cond)
        if kind == "param":
            key = self.bind(f[1])
            return "EXISTS (SELECT 1 FROM params p WHERE p.rid = r.rid AND p.key = {} AND {})".format(
                key, self.param_cond(op, values))
        key = self.bind(f[1])
        # Through the summaries' (kid, value) index, as the editor's reader does.
        return ("r.rid IN (SELECT s.rid FROM summaries s WHERE s.kid = "
                "(SELECT kid FROM metric_keys WHERE key = {}) AND s.{} {} {})").format(key, f[2], op, self.bind(values[0]))

    def param_cond(self, op, values):
        if op in ("~", "contains"):
            v = values[0]
            text = v if isinstance(v, str) else _js_string(v)
            return "coalesce(json_extract(p.value, '$'), '') LIKE {} ESCAPE '\\'".format(
                self.bind(like_pattern(text, op == "~")))
        if op not in ("=", "in"):
            return "p.num {} {}".format(op, self.bind(values[0]))

        def one(v):
            if isinstance(v, bool) or v is None:
                return "p.value = {}".format(self.bind(_js_string(v)))
            if isinstance(v, float):
                return "p.num = {}".format(self.bind(v))
            return "json_extract(p.value, '$') IS {}".format(self.bind(v))
        return one(values[0]) if len(values) == 1 else _joined([one(v) for v in values], "OR")


def _js_string(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def compile_query(query, now=None):
    """(sql, params): a condition on the index's `runs r` with its named parameters.

    Raises QueryError (with .column) when the query does not parse, or when it is beyond
    what SQLite evaluates.
    """
    return compile_node(parse_query(query, now))


def compile_node(node):
    """(sql, params) of a parsed query; QueryError when it is beyond what SQLite evaluates."""
    depth = _sql_depth(node)
    if depth > MAX_SQL_DEPTH:
        raise _too_big("conditions nested at most {} deep".format(MAX_SQL_DEPTH), str(depth))
    compiler = _Compiler()
    sql = compiler.node(node)
    if len(compiler.params) > MAX_SQL_VALUES:
        raise _too_big("at most {} values".format(MAX_SQL_VALUES), "{} values".format(len(compiler.params)))
    return sql, compiler.params
