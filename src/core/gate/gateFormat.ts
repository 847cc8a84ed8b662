// Numbers as the gate prints them: enough digits that a small delta is not rounded away.

export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x !== 0 && (Math.abs(x) >= 1e9 || Math.abs(x) < 1e-6)) return x.toExponential(4);
  return String(Number(x.toPrecision(5)));
}

/** Signed: "+0.0079", "-0.012", "0". */
export function formatDelta(x: number): string {
  if (!Number.isFinite(x)) return formatValue(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const text = abs >= 1e9 || abs < 1e-6 ? abs.toExponential(3) : String(Number(abs.toPrecision(4)));
  return `${x > 0 ? '+' : '-'}${text}`;
}

export function formatPsi(x: number): string {
  return x < 0.001 ? x.toExponential(1) : x.toFixed(3);
}

/** "2026-11-30 14:05 UTC". */
export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
