// Splits a query into tokens. Words are any run of characters other than spaces, quotes,
// parentheses, commas and operator characters, so metric keys like `val/acc` or `lr@1` need
// no quoting; dates (which contain `:`) are read as one token.
import { QueryError } from './queryError';

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** For strings: the unquoted, unescaped text; otherwise the text as written. */
  text: string;
  /** 0-based offset in the query. */
  pos: number;
  /** For a word written as `prefix."quoted key"` (e.g. params."batch size"): the key. */
  quotedKey?: string;
  /** For such a word: what follows the quoted key (e.g. `.max`). */
  suffix?: string;
}

export const MAX_QUERY_LENGTH = 10_000;

// Spelled out (not \d, \s) so the Python reader's regular expressions mean the same.
const SPACE = ' \t\r\n';
const DATE_RE = /[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?/y;
const WORD_RE = /[^ \t\r\n()=!<>~:,"']+/y;
const OPS = ['<=', '>=', '!=', '!~', '==', '=', '<', '>', '~', ':'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

/** Shown for a token in "found …". */
export function describeToken(t: Token): string {
  if (t.kind === 'end') return 'end of query';
  if (t.kind === 'string') return JSON.stringify(t.text);
  return `'${t.text}'`;
}

/** 1-based column of a UTF-16 offset, counted in code points (as Python counts). */
export function columnAt(query: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos; i++) {
    const c = query.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= pos) n++;
  }
  return n;
}

export function tokenize(query: string): Token[] {
  const length = [...query].length;
  if (length > MAX_QUERY_LENGTH) {
    throw new QueryError(MAX_QUERY_LENGTH + 1, `a query of at most ${MAX_QUERY_LENGTH} characters`, `${length} characters`);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (SPACE.includes(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, pos: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = readString(query, i);
      tokens.push({ kind: 'string', text: s.text, pos: i });
      i = s.end;
      continue;
    }
    const op = OPS.find((o) => query.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    if (c === '!') throw new QueryError(columnAt(query, i), "'!=' or '!~'", `'!'`);
    DATE_RE.lastIndex = i;
    const date = DATE_RE.exec(query);
    WORD_RE.lastIndex = i;
    const word = WORD_RE.exec(query) as RegExpExecArray;
    // A date wins when it is at least as long as the word there (2026-01-01T10:00 vs 2026-01-01T10).
    const text = date && date[0].length >= word[0].length ? date[0] : word[0];
    const token: Token = { kind: 'word', text, pos: i };
    i += text.length;
    // params."batch size" / metrics."a b".max: a quoted key right after a dotted prefix.
    if (text.endsWith('.') && (query[i] === '"' || query[i] === "'")) {
      const s = readString(query, i);
      token.quotedKey = s.text;
      i = s.end;
      WORD_RE.lastIndex = i;
      const rest = query[i] === '.' ? WORD_RE.exec(query) : null;
      if (rest) {
        token.suffix = rest[0];
        i += rest[0].length;
      }
    }
    tokens.push(token);
  }
  tokens.push({ kind: 'end', text: '', pos: query.length });
  return tokens;
}

function readString(query: string, start: number): { text: string; end: number } {
  const quote = query[start];
  let out = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i];
    if (c === quote) return { text: out, end: i + 1 };
    if (c === '\\' && i + 1 < query.length) {
      const e = query[i + 1];
      out += ESCAPES[e] ?? `\\${e}`;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new QueryError(columnAt(query, query.length), `a closing ${quote} for the string at column ${columnAt(query, start)}`, 'end of query');
}
