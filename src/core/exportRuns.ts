// Export of runs with their params and metric summaries, as JSON or CSV.
import { toJsonText } from './jsonText';
import { type MetricSummary, summaries } from './metricQueries';
import { type RunFilter, type RunInfo, getRun, listRuns } from './runQueries';
import type { Store } from './store';

export type ExportFormat = 'csv' | 'json';

export interface ExportedRun extends RunInfo {
  params: Record<string, unknown>;
  /** Every metric summary, sys/ keys included. */
  metrics: MetricSummary[];
}

/** All runs matching the filter, newest first, read page by page. */
export function exportedRuns(store: Store, filter: RunFilter = {}): ExportedRun[] {
  const out: ExportedRun[] = [];
  const page = 500;
  for (let offset = 0; ; offset += page) {
    const runs = listRuns(store, { ...filter, limit: page, offset });
    for (const r of runs) out.push({ ...r, params: getRun(store, r.id)?.params ?? {}, metrics: summaries(store, r.id) });
    if (runs.length < page) return out;
  }
}

/**
 * The runs as text. JSON: an array of runs (non-finite numbers as strings). CSV: one row per
 * run with `params.<key>` columns and `metrics.<key>.last|min|max|count` columns
 * (sys/ metrics left out).
 */
export function exportRuns(store: Store, format: ExportFormat, filter: RunFilter = {}): string {
  const runs = exportedRuns(store, filter);
  if (format === 'json') return toJsonText(runs, 2) + '\n';
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].filter((k) => !k.startsWith('sys/')).sort();
  const header = [
    'id',
    'name',
    'experiment',
    'status',
    'exit_code',
    'started',
    'ended',
    'duration_s',
    'tags',
    'note',
    ...paramKeys.map((k) => `params.${k}`),
    ...metricKeys.flatMap((k) => ['last', 'min', 'max', 'count'].map((f) => `metrics.${k}.${f}`)),
  ];
  const rows = runs.map((r) => {
    const byKey = new Map(r.metrics.map((m) => [m.key, m]));
    return [
      r.id,
      r.name,
      r.experiment,
      r.status,
      r.exitCode,
      iso(r.started),
      iso(r.ended),
      r.duration === null ? null : r.duration / 1000,
      r.tags.join(';'),
      r.note,
      ...paramKeys.map((k) => r.params[k]),
      ...metricKeys.flatMap((k) => {
        const m = byKey.get(k);
        return m ? [m.last, m.min, m.max, m.count] : [null, null, null, null];
      }),
    ];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
