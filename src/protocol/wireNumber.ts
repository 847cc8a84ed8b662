// Numbers outside typed arrays cross the webview boundary as JSON, where NaN and ±Infinity
// would turn into null. Non-finite values travel as strings (as in events.jsonl) instead.

export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function toWire(n: number): WireNumber {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

export function fromWire(w: WireNumber | null | undefined): number {
  if (typeof w === 'number') return w;
  if (w === 'Infinity') return Number.POSITIVE_INFINITY;
  if (w === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}
