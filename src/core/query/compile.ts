// Compiles a query to a SQL condition over the index's `runs r`. Every value, key and pattern
// is a bound parameter (@q0, @q1, …); only fixed column names and operators are written into
// the SQL text, so no input can change the statement.
import type { Field, Op, QueryNode, TimeSpan, Value } from './ast';
import { type ParseOptions, parseQuery } from './parse';
import { QueryError } from './queryError';

/** A condition on `runs r` with its named parameters, for listRuns/countRuns `where`. */
export interface CompiledQuery {
  sql: string;
  params: Record<string, string | number>;
  /** The query finds runs through a metric summary index (see listRuns). */
  byMetric?: true;
}

export type QueryOptions = ParseOptions;

/**
 * Parses and compiles a query. Throws QueryError (with its column) on a query that does not
 * parse, or that is beyond what SQLite evaluates.
 */
export function compileQuery(query: string, opts: QueryOptions = {}): CompiledQuery {
  return compileNode(parseQuery(query, opts));
}

export function compileNode(node: QueryNode): CompiledQuery {
  checkSqlDepth(node);
  const params: Record<string, string | number> = {};
  let count = 0;
  const bind = (v: string | number): string => {
    const name = `q${count++}`;
    params[name] = v;
    return `@${name}`;
  };
  const compiler = new Compiler(bind);
  const sql = compiler.node(node);
  if (count > MAX_SQL_VALUES) throw tooBig(`at most ${MAX_SQL_VALUES} values`, `${count} values`);
  return compiler.byMetric ? { sql, params, byMetric: true } : { sql, params };
}

// SQLite refuses an expression nested deeper than 1000 and more than 32766 bound values. Checked
// here, with room for the conditions listRuns puts around a query, so a query SQLite would
// refuse is a QueryError and never SQLite's own text.
const MAX_SQL_DEPTH = 950;
const MAX_SQL_VALUES = 32_000;
/** How deep one condition's SQL is at most (EXISTS, a subquery's ANDs, functions, a hash prefix). */
const CONDITION_DEPTH = 12;
/** Up to this many terms are joined flat (`a OR b OR c`); more are grouped as a balanced tree. */
const FLAT_TERMS = 8;

function tooBig(expected: string, found: string): QueryError {
  return new QueryError(1, `a smaller query (${expected})`, found);
}

/** Terms joined by one operator: flat when few, else halves in parentheses, so n terms nest about log2(n) deep rather than n. */
function joined(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length <= FLAT_TERMS) return `(${parts.join(` ${op} `)})`;
  const half = Math.ceil(parts.length / 2);
  return `(${joined(parts.slice(0, half), op)} ${op} ${joined(parts.slice(half), op)})`;
}

/** How deep `joined` nests n terms. */
function joinedDepth(n: number): number {
  return n <= FLAT_TERMS ? Math.max(0, n - 1) : 1 + joinedDepth(Math.ceil(n / 2));
}

/** An upper bound of how deep the compiled SQL of `n` nests. */
function sqlDepth(n: QueryNode): number {
  switch (n.kind) {
    case 'and':
    case 'or':
      return joinedDepth(n.items.length) + Math.max(0, ...n.items.map(sqlDepth));
    case 'not':
      return 1 + sqlDepth(n.item);
    case 'cmp':
      return CONDITION_DEPTH + joinedDepth(n.values.length);
    default:
      return CONDITION_DEPTH;
  }
}

function checkSqlDepth(node: QueryNode): void {
  const depth = sqlDepth(node);
  if (depth > MAX_SQL_DEPTH) throw tooBig(`conditions nested at most ${MAX_SQL_DEPTH} deep`, `${depth}`);
}

const TIME_SQL = { started: 'coalesce(r.started, r.created)', ended: 'r.ended', updated: 'r.updated' } as const;
const DURATION_SQL = '(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))';
const ORDER_SQL: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=' };

/** `%text%` for LIKE with `\` as the escape; `*` in a `~` pattern matches anything. */
export function likePattern(text: string, wildcards: boolean): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return `%${wildcards ? escaped.replace(/\*/g, '%') : escaped}%`;
}

/**
 * How much a condition costs per run: columns of the runs row first, then lookups in the
 * smaller per-run tables. AND evaluates cheap conditions first (the result is the same).
 */
function cost(n: QueryNode): number {
  switch (n.kind) {
    case 'and':
    case 'or':
      return Math.max(...n.items.map(cost));
    case 'not':
      return cost(n.item);
    case 'text':
      return 2;
    case 'cmp':
      return n.field.kind === 'tags' ? 1 : n.field.kind === 'dataset' ? 2 : n.field.kind === 'param' ? 3 : n.field.kind === 'metric' ? 4 : 0;
    default:
      return 0;
  }
}

function byCost(items: QueryNode[]): QueryNode[] {
  return items
    .map((item, i) => ({ item, i, c: cost(item) }))
    .sort((a, b) => a.c - b.c || a.i - b.i)
    .map((x) => x.item);
}

class Compiler {
  byMetric = false;

  constructor(private readonly bind: (v: string | number) => string) {}

  node(n: QueryNode): string {
    switch (n.kind) {
      case 'all':
        return '1';
      case 'and':
        return joined(byCost(n.items).map((x) => this.node(x)), 'AND');
      case 'or':
        return joined(n.items.map((x) => this.node(x)), 'OR');
      case 'not':
        return `NOT (${this.node(n.item)})`;
      case 'text': {
        const p = this.bind(likePattern(n.value, false));
        const like = (col: string): string => `coalesce(${col}, '') LIKE ${p} ESCAPE '\\'`;
        return `(${like('r.id')} OR ${like('r.name')} OR ${like('r.experiment')} OR ${like('r.note')} OR EXISTS (SELECT 1 FROM tags t WHERE t.rid = r.rid AND ${like('t.tag')}))`;
      }
      case 'cmp':
        return this.cmp(n.field, n.op, n.values);
    }
  }

  /** Every condition below is true or false, never NULL, so `not` always means "the others". */
  private cmp(f: Field, op: Op, values: Value[]): string {
    switch (f.kind) {
      case 'text':
        return this.textCmp(`r.${f.column}`, op, values as string[], (col, v) => `${col} IS ${this.bind(v)}`);
      case 'status':
        return this.textCmp('r.status', op, values as string[], (col, v) => `${col} IS ${this.bind(v)}`);
      case 'commit':
        return this.textCmp('r.git_commit', op, values as string[], (col, v) => this.hashIs(col, v));
      case 'time':
        return this.timeCmp(TIME_SQL[f.column], op, values[0] as TimeSpan);
      case 'duration':
        return `(${DURATION_SQL} IS NOT NULL AND ${DURATION_SQL} ${ORDER_SQL[op]} ${this.bind(values[0] as number)})`;
      case 'tags':
        return `EXISTS (SELECT 1 FROM tags t WHERE t.rid = r.rid AND ${this.textCmp('t.tag', op === 'contains' ? '=' : op, values as string[], (col, v) => `${col} = ${this.bind(v)}`)})`;
      case 'dataset': {
        let cond: string;
        if (op === '~' || op === 'contains') {
          const p = this.bind(likePattern(values[0] as string, op === '~'));
          const cols = f.part === 'any' ? ['d.name', 'd.path', 'd.hash'] : [`d.${f.part}`];
          cond = `(${cols.map((c) => `${c} LIKE ${p} ESCAPE '\\'`).join(' OR ')})`;
        } else {
          // `dataset = x`: a dataset named x, or whose hash is (or starts with) x.
          cond = this.anyOf(values as string[], (v) =>
            f.part === 'hash' ? this.hashIs('d.hash', v) : f.part === 'any' ? `(d.name = ${this.bind(v)} OR ${this.hashIs('d.hash', v)})` : `d.${f.part} = ${this.bind(v)}`,
          );
        }
        return `EXISTS (SELECT 1 FROM datasets d WHERE d.rid = r.rid AND ${cond})`;
      }
      case 'param':
        return `EXISTS (SELECT 1 FROM params p WHERE p.rid = r.rid AND p.key = ${this.bind(f.key)} AND ${this.paramCond(op, values)})`;
      case 'metric':
        // Through the summaries' (kid, value) index: the runs whose metric is in range, not a
        // look at every run's summary.
        this.byMetric = true;
        return `r.rid IN (SELECT s.rid FROM summaries s WHERE s.kid = (SELECT kid FROM metric_keys WHERE key = ${this.bind(f.key)}) AND s.${f.agg} ${ORDER_SQL[op]} ${this.bind(values[0] as number)})`;
    }
  }

  private anyOf(values: string[], one: (v: string) => string): string {
    return values.length === 1 ? one(values[0]) : joined(values.map(one), 'OR');
  }

  private textCmp(col: string, op: Op, values: string[], is: (col: string, v: string) => string): string {
    if (op === '~' || op === 'contains') return `coalesce(${col}, '') LIKE ${this.bind(likePattern(values[0], op === '~'))} ESCAPE '\\'`;
    return this.anyOf(values, (v) => is(col, v));
  }

  /** A full hash, or a prefix of at least 4 characters. */
  private hashIs(col: string, v: string): string {
    const p = this.bind(v);
    return `(${col} IS ${p} OR (length(${p}) >= 4 AND substr(${col}, 1, length(${p})) IS ${p}))`;
  }

  private timeCmp(col: string, op: Op, span: TimeSpan): string {
    const has = `${col} IS NOT NULL AND `;
    switch (op) {
      case '=':
        return `(${has}${col} >= ${this.bind(span.lo)} AND ${col} < ${this.bind(span.hi)})`;
      case '<':
        return `(${has}${col} < ${this.bind(span.lo)})`;
      case '<=':
        return `(${has}${col} < ${this.bind(span.hi)})`;
      case '>':
        return `(${has}${col} >= ${this.bind(span.hi)})`;
      default:
        return `(${has}${col} >= ${this.bind(span.lo)})`;
    }
  }

  private paramCond(op: Op, values: Value[]): string {
    if (op === '~' || op === 'contains') {
      return `coalesce(json_extract(p.value, '$'), '') LIKE ${this.bind(likePattern(String(values[0]), op === '~'))} ESCAPE '\\'`;
    }
    if (op !== '=' && op !== 'in') return `p.num ${ORDER_SQL[op]} ${this.bind(values[0] as number)}`;
    const one = (v: Value): string => {
      if (typeof v === 'number') return `p.num = ${this.bind(v)}`;
      if (typeof v === 'boolean' || v === null) return `p.value = ${this.bind(String(v))}`;
      return `json_extract(p.value, '$') IS ${this.bind(v as string)}`;
    };
    return values.length === 1 ? one(values[0]) : joined(values.map(one), 'OR');
  }
}
