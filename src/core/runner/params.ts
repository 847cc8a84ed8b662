// "key=value" parameters from the "Start Tracked Run with Parameters…" prompt: recorded as
// typed params and passed to the script as `--key value` with the text exactly as typed.
import type { ParamValue } from '../events';

export interface ParamPair {
  key: string;
  /** As typed: what the script receives. */
  raw: string;
  /** As recorded: numbers and true/false typed, everything else a string. */
  value: ParamValue;
}

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses `lr=0.01 epochs=3 name="my run"` (one string, split like a shell line) or a
 * list of `key=value` items. Throws ParamError with a message fit for the user. */
export function parseParamPairs(input: string | readonly string[]): ParamPair[] {
  const items = typeof input === 'string' ? splitWords(input) : [...input];
  const pairs: ParamPair[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new ParamError(`Expected key=value, got "${item}".`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1);
    if (key === '') throw new ParamError(`Missing parameter name in "${item}".`);
    if (!KEY_RE.test(key)) {
      throw new ParamError(`Invalid parameter name "${key}": use letters, digits, "_", "-" or ".", starting with a letter or "_".`);
    }
    if (seen.has(key)) throw new ParamError(`Parameter "${key}" is given twice.`);
    seen.add(key);
    pairs.push({ key, raw, value: typedValue(raw) });
  }
  return pairs;
}

export function typedValue(raw: string): ParamValue {
  if (NUMBER_RE.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  return raw;
}

export function pairsToParams(pairs: readonly ParamPair[]): Record<string, ParamValue> {
  return Object.fromEntries(pairs.map((p) => [p.key, p.value]));
}

/** `--key value` for each pair (raw text for parsed pairs; String(value) for a record,
 * null giving an empty string). */
export function paramsToArgs(params: readonly ParamPair[] | Readonly<Record<string, ParamValue>>): string[] {
  const entries: [string, string][] = Array.isArray(params)
    ? (params as readonly ParamPair[]).map((p) => [p.key, p.raw])
    : Object.entries(params as Record<string, ParamValue>).map(([k, v]) => [k, v === null ? '' : String(v)]);
  const args: string[] = [];
  for (const [key, value] of entries) {
    if (!KEY_RE.test(key)) throw new ParamError(`Invalid parameter name "${key}".`);
    args.push(`--${key}`, value);
  }
  return args;
}

/** Splits on whitespace, honouring '…' and "…" quotes and backslash escapes. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new ParamError(`Unclosed ${quote} quote.`);
  if (has) words.push(cur);
  return words;
}
