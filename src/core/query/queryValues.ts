// Values a query compares with: numbers, durations (90s, 5m, 1h30m), and times (2026-01-31,
// 2026-01-31T12:00, ISO datetimes with Z or an offset, or -7d for "7 days ago"). Times without
// an offset are local. A time stands for a span as long as its precision (a whole day, a
// minute…), so `started = 2026-01-31` is that day and `started > 2026-01-31` is after it.
import type { TimeSpan } from './ast';

const NUMBER_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DURATION_RE = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_PART_RE = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/g;
const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3}))?)?(Z|([+-])([0-9]{2}):?([0-9]{2}))?)?$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseNumber(text: string): number | undefined {
  return NUMBER_RE.test(text) ? Number(text) : undefined;
}

/** Milliseconds; a plain number is seconds. */
export function parseDuration(text: string): number | undefined {
  const n = parseNumber(text);
  if (n !== undefined) return n * 1000;
  if (!DURATION_RE.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(DURATION_PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}

function daysInMonth(y: number, m: number): number {
  return [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

export function parseTime(text: string, now: number): TimeSpan | undefined {
  if (text.startsWith('-')) {
    const ago = parseDuration(text.slice(1));
    if (ago === undefined || parseNumber(text.slice(1)) !== undefined) return undefined;
    const t = Math.round(now - ago);
    return { lo: t, hi: t + 1 };
  }
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (h > 23 || mi > 59 || s > 59) return undefined;
  // How long the written value lasts: a day, a minute, a second or a millisecond.
  const unit = m[4] === undefined ? 0 : m[6] === undefined ? 60_000 : m[7] === undefined ? 1000 : 1;
  if (m[8] !== undefined) {
    const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000;
    const lo = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset;
    return { lo, hi: lo + (unit || 86_400_000) };
  }
  const lo = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  // A local day is not always 24 h long (daylight saving time): end at the next midnight.
  const hi = unit === 0 ? new Date(y, mo - 1, d + 1).getTime() : lo + unit;
  return { lo, hi };
}
