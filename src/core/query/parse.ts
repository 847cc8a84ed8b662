// Recursive-descent parser. Grammar (keywords case-insensitive; `&&`/`||` also accepted):
//
//   query   := [or] end
//   or      := and ( 'or' and )*
//   and     := unary ( ['and'] unary )*          two conditions side by side are ANDed
//   unary   := 'not' unary | primary
//   primary := '(' or ')'
//            | field op value                    op: = == : != < <= > >= ~ !~
//            | field ['not'] 'contains' value
//            | field ['not'] 'in' '(' value (',' value)* ')'
//            | word | "string"                   free text: id, name, experiment, note or a tag
//
// `status:failed` and `tag:baseline` are the `:` form of `=`. `~` is a case-insensitive
// substring match in which `*` matches anything; `contains` the same without wildcards.
import { RUN_STATUSES } from '../events';
import type { Field, Op, QueryNode, Value } from './ast';
import { EXPECTED_FIELD, describeOps, fieldOps, resolveField } from './fields';
import { QueryError } from './queryError';
import { parseDuration, parseNumber, parseTime } from './queryValues';
import { type Token, columnAt, describeToken, tokenize } from './tokenize';

const MAX_DEPTH = 100;
const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'in', '&&', '||']);
const OP_TEXT: Record<string, { op: Op; negate: boolean }> = {
  '=': { op: '=', negate: false },
  '==': { op: '=', negate: false },
  ':': { op: '=', negate: false },
  '!=': { op: '=', negate: true },
  '<': { op: '<', negate: false },
  '<=': { op: '<=', negate: false },
  '>': { op: '>', negate: false },
  '>=': { op: '>=', negate: false },
  '~': { op: '~', negate: false },
  '!~': { op: '~', negate: true },
};

export interface ParseOptions {
  /** "Now" for relative times such as -7d (unix ms; default Date.now()). */
  now?: number;
}

export function parseQuery(query: string, opts: ParseOptions = {}): QueryNode {
  return new Parser(query, opts.now ?? Date.now()).parse();
}

function keyword(t: Token): string | undefined {
  if (t.kind !== 'word' || t.quotedKey !== undefined) return undefined;
  const k = t.text.toLowerCase();
  return KEYWORDS.has(k) ? k : undefined;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;

  constructor(
    private readonly query: string,
    private readonly now: number,
  ) {
    this.tokens = tokenize(query);
  }

  parse(): QueryNode {
    if (this.peek().kind === 'end') return { kind: 'all' };
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.error(t, "'and', 'or' or end of query");
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private error(t: Token, expected: string): QueryError {
    return new QueryError(columnAt(this.query, t.pos), expected, describeToken(t));
  }

  private or(): QueryNode {
    const items = [this.and()];
    while (keyword(this.peek()) === 'or' || keyword(this.peek()) === '||') {
      this.next();
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): QueryNode {
    const items = [this.unary()];
    for (;;) {
      const k = keyword(this.peek());
      if (k === 'and' || k === '&&') {
        this.next();
        items.push(this.unary());
      } else if (this.startsCondition(this.peek())) items.push(this.unary());
      else break;
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private startsCondition(t: Token): boolean {
    if (t.kind === 'lparen' || t.kind === 'string') return true;
    if (t.kind !== 'word') return false;
    const k = keyword(t);
    return k === undefined || k === 'not';
  }

  private unary(): QueryNode {
    if (keyword(this.peek()) === 'not') {
      const t = this.next();
      this.enter(t);
      const item = this.unary();
      this.depth--;
      return { kind: 'not', item };
    }
    return this.primary();
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) throw this.error(t, `at most ${MAX_DEPTH} nested conditions`);
  }

  private primary(): QueryNode {
    const t = this.peek();
    if (t.kind === 'lparen') {
      this.next();
      this.enter(t);
      const node = this.or();
      this.depth--;
      const close = this.peek();
      if (close.kind !== 'rparen') throw this.error(close, "'and', 'or' or ')'");
      this.next();
      return node;
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'text', value: t.text };
    }
    if (t.kind !== 'word' || keyword(t) !== undefined) throw this.error(t, 'a condition');
    const after = this.peek(1);
    const k = keyword(after);
    const isComparison =
      after.kind === 'op' || k === 'contains' || k === 'in' || (k === 'not' && ['contains', 'in'].includes(keyword(this.peek(2)) ?? ''));
    this.next();
    if (!isComparison) {
      if (t.quotedKey !== undefined) throw this.error(after, 'an operator');
      return { kind: 'text', value: t.text };
    }
    const field = resolveField(t.text, t.quotedKey, t.suffix);
    if (!field) throw this.error(t, EXPECTED_FIELD);
    return this.comparison(field);
  }

  private comparison(field: Field): QueryNode {
    const opToken = this.next();
    let op: Op;
    let negate = false;
    if (opToken.kind === 'op') ({ op, negate } = OP_TEXT[opToken.text]);
    else {
      negate = keyword(opToken) === 'not';
      op = keyword(negate ? this.next() : opToken) as Op;
    }
    if (!fieldOps(field).includes(op)) throw this.error(opToken, describeOps(field));
    let values: Value[];
    if (op === 'in') {
      const open = this.next();
      if (open.kind !== 'lparen') throw this.error(open, "'(' and a list of values");
      values = [this.value(field, op)];
      for (;;) {
        const sep = this.next();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') throw this.error(sep, "',' or ')'");
        values.push(this.value(field, op));
      }
    } else values = [this.value(field, op)];
    const node: QueryNode = { kind: 'cmp', field, op, values };
    return negate ? { kind: 'not', item: node } : node;
  }

  private value(field: Field, op: Op): Value {
    const t = this.next();
    if ((t.kind !== 'word' && t.kind !== 'string') || (t.kind === 'word' && keyword(t) !== undefined) || t.quotedKey !== undefined) {
      throw this.error(t, 'a value');
    }
    const bare = t.kind === 'word';
    switch (field.kind) {
      case 'status': {
        const s = t.text.toLowerCase();
        if (!(RUN_STATUSES as readonly string[]).includes(s)) throw this.error(t, `a status (${RUN_STATUSES.join(', ')})`);
        return s;
      }
      case 'time': {
        const span = parseTime(t.text, this.now);
        if (!span) throw this.error(t, 'a date (2026-01-31, 2026-01-31T12:00, an ISO date and time, or -7d)');
        return span;
      }
      case 'duration': {
        const ms = parseDuration(t.text);
        if (ms === undefined) throw this.error(t, 'a duration (90s, 5m, 1h30m, 2d, or seconds)');
        return ms;
      }
      case 'metric': {
        const n = parseNumber(t.text);
        if (n === undefined) throw this.error(t, 'a number');
        return n;
      }
      case 'param': {
        const n = bare ? parseNumber(t.text) : undefined;
        if (op === '<' || op === '<=' || op === '>' || op === '>=') {
          if (n === undefined) throw this.error(t, 'a number');
          return n;
        }
        if (!bare || op === '~' || op === 'contains') return t.text;
        if (n !== undefined) return n;
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return lower === 'true';
        if (lower === 'null') return null;
        return t.text;
      }
      default:
        return t.text;
    }
  }
}
