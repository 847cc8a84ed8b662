// Compiles a query to a SQL condition over the index's `runs r`. Every value, key and pattern
// is a bound parameter (@q0, @q1, …); only fixed column names and operators are written into
// the SQL text, so no input can change the statement.
import type { Field, Op, QueryNode, TimeSpan, Value } from './ast';
import { type ParseOptions, parseQuery } from './parse';

/** A condition on `runs r` with its named parameters, for listRuns/countRuns `where`. */
export interface CompiledQuery {
  sql: string;
  params: Record<string, string | number>;
}

export type QueryOptions = ParseOptions;

/** Parses and compiles a query. Throws QueryError (with its column) on a query that does not parse. */
export function compileQuery(query: string, opts: QueryOptions = {}): CompiledQuery {
  return compileNode(parseQuery(query, opts));
}

export function compileNode(node: QueryNode): CompiledQuery {
  const params: Record<string, string | number> = {};
  const bind = (v: string | number): string => {
    const name = `q${Object.keys(params).length}`;
    params[name] = v;
    return `@${name}`;
  };
  return { sql: new Compiler(bind).node(node), params };
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
  constructor(private readonly bind: (v: string | number) => string) {}

  node(n: QueryNode): string {
    switch (n.kind) {
      case 'all':
        return '1';
      case 'and':
        return `(${byCost(n.items).map((x) => this.node(x)).join(' AND ')})`;
      case 'or':
        return `(${n.items.map((x) => this.node(x)).join(' OR ')})`;
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
        return `EXISTS (SELECT 1 FROM summaries s WHERE s.rid = r.rid AND s.kid = (SELECT kid FROM metric_keys WHERE key = ${this.bind(f.key)}) AND s.${f.agg} ${ORDER_SQL[op]} ${this.bind(values[0] as number)})`;
    }
  }

  private anyOf(values: string[], one: (v: string) => string): string {
    return values.length === 1 ? one(values[0]) : `(${values.map(one).join(' OR ')})`;
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
    return values.length === 1 ? one(values[0]) : `(${values.map(one).join(' OR ')})`;
  }
}
