// The query language compiled to a PostgreSQL condition over the team index's `runs r`,
// with the same meaning as the SQLite one (compile.ts) on the same runs. Every value, key
// and pattern is a numbered parameter with its type written out ($3::text); only fixed
// column names and operators are SQL text. A query is checked by the SQLite compiler
// first, so both dialects refuse the same queries with the same QueryError.
import type { Field, Op, QueryNode, TimeSpan, Value } from '../query/ast';
import { type QueryOptions, compileNode, likePattern } from '../query/compile';
import { parseQuery } from '../query/parse';
import { pgSafe } from './teamText';

/** Parameters of one statement, numbered in order ($1, $2, …). */
export class PgParams {
  readonly values: unknown[] = [];
  add(v: unknown, type: 'text' | 'float8' | 'text[]' | 'int8[]' | 'int8'): string {
    this.values.push(pgSafe(v));
    return `$${this.values.length}::${type}`;
  }
}

export function compileTeamQuery(query: string, params: PgParams, opts: QueryOptions = {}): string {
  const node = parseQuery(query, opts);
  compileNode(node);
  return new PgCompiler(params).node(node);
}

const FLAT_TERMS = 8;

/** Few terms joined flat, more as a balanced tree (the planner's stack stays shallow). */
function joined(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length <= FLAT_TERMS) return `(${parts.join(` ${op} `)})`;
  const half = Math.ceil(parts.length / 2);
  return `(${joined(parts.slice(0, half), op)} ${op} ${joined(parts.slice(half), op)})`;
}

const TIME_SQL = { started: 'coalesce(r.started, r.created)', ended: 'r.ended', updated: 'r.updated' } as const;
const DURATION_SQL = '(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))';
const ORDER_SQL: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=' };
// SQLite's LIKE ignores ASCII case; ILIKE is its PostgreSQL counterpart.
const LIKE = "ILIKE";

class PgCompiler {
  constructor(private readonly p: PgParams) {}

  private text(v: string): string {
    return this.p.add(v, 'text');
  }

  private num(v: number): string {
    return this.p.add(v, 'float8');
  }

  node(n: QueryNode): string {
    switch (n.kind) {
      case 'all':
        return 'TRUE';
      case 'and':
        return joined(n.items.map((x) => this.node(x)), 'AND');
      case 'or':
        return joined(n.items.map((x) => this.node(x)), 'OR');
      case 'not':
        return `NOT (${this.node(n.item)})`;
      case 'text': {
        const p = this.text(likePattern(n.value, false));
        const like = (col: string): string => `coalesce(${col}, '') ${LIKE} ${p} ESCAPE '\\'`;
        return `(${like('r.id')} OR ${like('r.name')} OR ${like('r.experiment')} OR ${like('r.note')} OR EXISTS (SELECT 1 FROM trackside.tags t WHERE t.rid = r.rid AND ${like('t.tag')}))`;
      }
      case 'cmp':
        return this.cmp(n.field, n.op, n.values);
    }
  }

  private cmp(f: Field, op: Op, values: Value[]): string {
    const is = (col: string, v: string): string => `${col} IS NOT DISTINCT FROM ${this.text(v)}`;
    switch (f.kind) {
      case 'text':
        return this.textCmp(`r.${f.column}`, op, values as string[], is);
      case 'status':
        return this.textCmp('r.status', op, values as string[], is);
      case 'commit':
        return this.textCmp('r.git_commit', op, values as string[], (col, v) => this.hashIs(col, v));
      case 'time':
        return this.timeCmp(TIME_SQL[f.column], op, values[0] as TimeSpan);
      case 'duration':
        return `(${DURATION_SQL} IS NOT NULL AND ${DURATION_SQL} ${ORDER_SQL[op]} ${this.num(values[0] as number)})`;
      case 'tags':
        return `EXISTS (SELECT 1 FROM trackside.tags t WHERE t.rid = r.rid AND ${this.textCmp('t.tag', op === 'contains' ? '=' : op, values as string[], (col, v) => `${col} = ${this.text(v)}`)})`;
      case 'dataset': {
        let cond: string;
        if (op === '~' || op === 'contains') {
          const p = this.text(likePattern(values[0] as string, op === '~'));
          const cols = f.part === 'any' ? ['d.name', 'd.path', 'd.hash'] : [`d.${f.part}`];
          cond = `(${cols.map((c) => `${c} ${LIKE} ${p} ESCAPE '\\'`).join(' OR ')})`;
        } else {
          cond = this.anyOf(values as string[], (v) =>
            f.part === 'hash' ? this.hashIs('d.hash', v) : f.part === 'any' ? `(d.name = ${this.text(v)} OR ${this.hashIs('d.hash', v)})` : `d.${f.part} = ${this.text(v)}`,
          );
        }
        return `EXISTS (SELECT 1 FROM trackside.datasets d WHERE d.rid = r.rid AND ${cond})`;
      }
      case 'param':
        return `EXISTS (SELECT 1 FROM trackside.params p WHERE p.rid = r.rid AND p.key = ${this.text(f.key)} AND ${this.paramCond(op, values)})`;
      case 'metric':
        return `EXISTS (SELECT 1 FROM trackside.summaries s WHERE s.rid = r.rid AND s.kid = (SELECT kid FROM trackside.metric_keys WHERE key = ${this.text(f.key)}) AND s.${f.agg} ${ORDER_SQL[op]} ${this.num(values[0] as number)})`;
    }
  }

  private anyOf(values: string[], one: (v: string) => string): string {
    return values.length === 1 ? one(values[0]) : joined(values.map(one), 'OR');
  }

  private textCmp(col: string, op: Op, values: string[], is: (col: string, v: string) => string): string {
    if (op === '~' || op === 'contains') return `coalesce(${col}, '') ${LIKE} ${this.text(likePattern(values[0], op === '~'))} ESCAPE '\\'`;
    return this.anyOf(values, (v) => is(col, v));
  }

  /** A full hash, or a prefix of at least 4 characters. */
  private hashIs(col: string, v: string): string {
    const p = this.text(v);
    return `(${col} IS NOT DISTINCT FROM ${p} OR (length(${p}) >= 4 AND substr(${col}, 1, length(${p})) IS NOT DISTINCT FROM ${p}))`;
  }

  private timeCmp(col: string, op: Op, span: TimeSpan): string {
    const has = `${col} IS NOT NULL AND `;
    switch (op) {
      case '=':
        return `(${has}${col} >= ${this.num(span.lo)} AND ${col} < ${this.num(span.hi)})`;
      case '<':
        return `(${has}${col} < ${this.num(span.lo)})`;
      case '<=':
        return `(${has}${col} < ${this.num(span.hi)})`;
      case '>':
        return `(${has}${col} >= ${this.num(span.hi)})`;
      default:
        return `(${has}${col} >= ${this.num(span.lo)})`;
    }
  }

  /** As SQLite's json_extract(p.value, '$') compares: p.txt is that value as text, p.is_text whether it is text. */
  private paramCond(op: Op, values: Value[]): string {
    if (op === '~' || op === 'contains') return `coalesce(p.txt, '') ${LIKE} ${this.text(likePattern(String(values[0]), op === '~'))} ESCAPE '\\'`;
    if (op !== '=' && op !== 'in') return `p.num ${ORDER_SQL[op]} ${this.num(values[0] as number)}`;
    const one = (v: Value): string => {
      if (typeof v === 'number') return `p.num = ${this.num(v)}`;
      if (typeof v === 'boolean' || v === null) return `p.value = ${this.text(String(v))}`;
      return `(p.is_text AND p.txt = ${this.text(v as string)})`;
    };
    return values.length === 1 ? one(values[0]) : joined(values.map(one), 'OR');
  }
}
