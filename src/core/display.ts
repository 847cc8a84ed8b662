// Text shown for runs in lists and tooltips; pure so it is tested without the editor.
import { compileQuery } from './query/compile';
import { QueryError } from './query/queryError';

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Compact metric value: 4 significant digits, NaN and infinities spelled out. */
export function formatMetric(v: number | null | undefined): string {
  if (v == null) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** A size in bytes: 1.5 MB. */
export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function formatAge(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 30) return `${d} d ago`;
  return new Date(ms).toISOString().slice(0, 10);
}

export interface RunFilter {
  /** Words that must appear in the name, id, experiment or tags. */
  text?: string;
  tags: string[];
  statuses: string[];
  /**
   * The input when it reads in the query language (`status:failed`, `tag:x` and free words are
   * queries too, e.g. `resnet status:failed or params.lr > 0.01`): it alone then selects runs.
   */
  query?: string;
  /** Why the input is not a query; text, tags and statuses then select runs, as before. */
  error?: string;
  /** The input as typed. */
  input?: string;
}

/** `status:failed tag:baseline resnet` → statuses, tags and free text, and the query it is. */
export function parseRunFilter(input: string): RunFilter {
  const filter: RunFilter = { tags: [], statuses: [] };
  const trimmed = input.trim();
  if (trimmed) {
    filter.input = trimmed;
    try {
      compileQuery(trimmed);
      filter.query = trimmed;
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      filter.error = e.message;
    }
  }
  const words: string[] = [];
  for (const token of input.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
    const m = /^(status|tag):(.+)$/i.exec(token);
    const value = (s: string) => s.replace(/^"|"$/g, '');
    if (m && m[1].toLowerCase() === 'status') filter.statuses.push(value(m[2]).toLowerCase());
    else if (m) filter.tags.push(value(m[2]));
    else words.push(value(token));
  }
  if (words.length) filter.text = words.join(' ');
  return filter;
}

export function describeFilter(f: RunFilter): string {
  if (f.input) return f.input;
  return [
    ...f.statuses.map((s) => `status:${s}`),
    ...f.tags.map((t) => `tag:${t}`),
    ...(f.text ? [f.text] : []),
  ].join(' ');
}
