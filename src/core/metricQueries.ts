// Metric summaries and raw points of a run. Summaries come from the per-(run, key) rows kept
// at ingest, never from scanning points. Non-finite values come back as NaN / ±Infinity.
import type { SummaryRow } from './eventFold';
import type { ValueStats } from './lod';
import { type Store, keyId, runRid } from './store';

export interface MetricSummary extends ValueStats {
  key: string;
  /** Latest value logged at lastStep. */
  last: number;
  /** Time (unix ms) the latest point was logged. */
  t: number | null;
}

export interface Points {
  steps: Float64Array;
  values: Float64Array;
  /** Unix ms each point was logged. */
  t: Float64Array;
  /** NaN where no epoch was logged. */
  epochs: Float64Array;
}

const SUMMARY_COLUMNS = 'k.key, s.count, s.nans, s.min, s.max, s.first_step, s.last_step, s.last, s.t';

/** A summaries row with its key, as the local and the team index read it (the columns of SUMMARY_COLUMNS). */
export type MetricSummaryRow = Omit<SummaryRow, 'last_seq' | 'seq'> & { key: string };

export function toSummary(r: MetricSummaryRow): MetricSummary {
  return {
    key: r.key,
    count: r.count,
    nans: r.nans,
    min: r.min ?? Number.NaN,
    max: r.max ?? Number.NaN,
    firstStep: r.first_step,
    lastStep: r.last_step,
    last: r.last ?? Number.NaN,
    t: r.t,
  };
}

/** Every metric of a run (sys/ keys included), sorted by key. Empty for an unknown run. */
export function summaries(store: Store, runId: string): MetricSummary[] {
  const rid = runRid(store, runId);
  if (rid === undefined) return [];
  const rows = store
    .stmt(`SELECT ${SUMMARY_COLUMNS} FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = ? ORDER BY k.key`)
    .all(rid) as MetricSummaryRow[];
  return rows.map(toSummary);
}

/** The summary of one metric of a run. */
export function summary(store: Store, runId: string, key: string): MetricSummary | undefined {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return undefined;
  const row = store
    .stmt(`SELECT ${SUMMARY_COLUMNS} FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = ? AND s.kid = ?`)
    .get(rid, kid) as MetricSummaryRow | undefined;
  return row && toSummary(row);
}

/**
 * The metric to show for a run in one line (tree description, status bar): `preferredKey`
 * when the run has it, else the first of its `val/…`, `test/…`, `eval/…` metrics, else its
 * first metric that is not under `sys/` ("first": the lowest first step; at the same step,
 * the key the index met first). Never a probe logged last just because it came last.
 */
export function primaryMetric(store: Store, runId: string, preferredKey?: string): MetricSummary | undefined {
  if (preferredKey !== undefined) {
    const s = summary(store, runId, preferredKey);
    if (s) return s;
  }
  const rid = runRid(store, runId);
  if (rid === undefined) return undefined;
  const row = store
    .stmt(
      `SELECT ${SUMMARY_COLUMNS} FROM summaries s JOIN metric_keys k ON k.kid = s.kid
       WHERE s.rid = ? AND substr(k.key, 1, 4) <> 'sys/'
       ORDER BY CASE WHEN substr(k.key, 1, 4) = 'val/' THEN 0 WHEN substr(k.key, 1, 5) = 'test/' THEN 1 WHEN substr(k.key, 1, 5) = 'eval/' THEN 2 ELSE 3 END,
         s.first_step, s.kid
       LIMIT 1`,
    )
    .get(rid) as MetricSummaryRow | undefined;
  return row && toSummary(row);
}

/**
 * Last value of each metric for several runs at once (runs table, `trackside runs`).
 * sys/ keys are left out unless `includeSys`.
 */
export function latestValues(
  store: Store,
  runIds: readonly string[],
  opts: { includeSys?: boolean } = {},
): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const stmt = store.stmt(
    `SELECT k.key, s.last FROM summaries s JOIN metric_keys k ON k.kid = s.kid
     WHERE s.rid = (SELECT rid FROM runs WHERE id = ?) ORDER BY k.key`,
  );
  for (const id of runIds) {
    const rows = (stmt.all(id) as { key: string; last: number | null }[]).filter((r) => opts.includeSys || !r.key.startsWith('sys/'));
    // Own properties, also for a key named "__proto__".
    out.set(id, Object.fromEntries(rows.map((r) => [r.key, r.last ?? Number.NaN])));
  }
  return out;
}

/** Metric keys of a run, sorted. */
export function metricKeys(store: Store, runId: string): string[] {
  return summaries(store, runId).map((s) => s.key);
}

/**
 * Every point of one series in step order, values at one step in logged order (optionally
 * only steps in [xMin, xMax]).
 * Reads every row: for charts use series().
 */
export function points(store: Store, runId: string, key: string, range: { xMin?: number; xMax?: number } = {}): Points {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return emptyPoints(0);
  const stmt = store
    .stmt('SELECT step, value, t, epoch FROM points WHERE rid = ? AND kid = ? AND step >= ? AND step <= ? ORDER BY step, seq')
    .raw();
  const lo = range.xMin ?? Number.NEGATIVE_INFINITY;
  const hi = range.xMax ?? Number.POSITIVE_INFINITY;
  const s = summary(store, runId, key);
  let cap = Math.max(16, s?.count ?? 0);
  let out = emptyPoints(cap);
  let n = 0;
  for (const row of stmt.iterate(rid, kid, lo, hi) as IterableIterator<[number, number | null, number | null, number | null]>) {
    if (n === cap) {
      cap *= 2;
      out = grow(out, cap);
    }
    out.steps[n] = row[0];
    out.values[n] = row[1] ?? Number.NaN;
    out.t[n] = row[2] ?? Number.NaN;
    out.epochs[n] = row[3] ?? Number.NaN;
    n++;
  }
  return { steps: out.steps.subarray(0, n), values: out.values.subarray(0, n), t: out.t.subarray(0, n), epochs: out.epochs.subarray(0, n) };
}

function emptyPoints(n: number): Points {
  return { steps: new Float64Array(n), values: new Float64Array(n), t: new Float64Array(n), epochs: new Float64Array(n) };
}

function grow(p: Points, n: number): Points {
  const q = emptyPoints(n);
  q.steps.set(p.steps);
  q.values.set(p.values);
  q.t.set(p.t);
  q.epochs.set(p.epochs);
  return q;
}
