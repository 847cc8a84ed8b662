// Series for the panels, from the index: min/max buckets sized to the chart (refined for a
// zoomed range), each bucket's first and last step carrying its time and epoch so the
// webview can switch x axes without asking again. Pure: no editor API.
import { points } from '../core/metricQueries';
import { type Series, series } from '../core/series';
import { type Store, keyId, runRid } from '../core/store';
import type { AppendedPoints, SeriesCursor, SeriesData, SeriesRequest } from '../protocol/series';

export type { SeriesCursor };

const MIN_BUCKETS = 16;
const MAX_BUCKETS = 4000;

// CROSS JOIN keeps the bucket edges as the outer loop (a few lookups into the points' key),
// never a scan of the whole series.
const SQL_AT = `SELECT p.step, p.seq, p.t, p.epoch FROM (SELECT DISTINCT value AS step FROM json_each(?)) e
  CROSS JOIN points p ON p.rid = ? AND p.kid = ? AND p.step = e.step`;
const SQL_AFTER = `SELECT step, seq, value, t, epoch FROM points
  WHERE rid = ? AND kid = ? AND (step, seq) > (?, ?) ORDER BY step, seq`;
const SQL_COUNT_AFTER = 'SELECT count(*) FROM points WHERE rid = ? AND kid = ? AND (step, seq) > (?, ?)';

export function seriesData(store: Store, req: SeriesRequest): SeriesData {
  const s = series(store, req.runId, req.key, { maxBuckets: chartBuckets(req), xMin: req.xMin, xMax: req.xMax });
  const out = chartData(req, s, isRanged(req) ? undefined : seriesEnd(store, req.runId, req.key));
  const n = s.count;
  if (n === 0) return out;
  if (s.exact) {
    // Every bucket is one point: one range read gives times and epochs.
    const p = points(store, req.runId, req.key, { xMin: s.steps[0], xMax: s.steps[n - 1] });
    if (p.steps.length === n) {
      out.t.set(p.t);
      out.lastT.set(p.t);
      out.epochs.set(p.epochs);
      out.lastEpochs.set(p.epochs);
      return out;
    }
  }
  // Times and epochs at every bucket edge in one statement (the steps bound as a JSON array).
  const rid = runRid(store, req.runId);
  const kid = keyId(store, req.key, false);
  const rows = store.stmt(SQL_AT).raw().all(JSON.stringify(Array.from(edgeSteps(s))), rid, kid) as EdgeRow[];
  return withEdgeTimes(out, s, rows);
}

/** How many buckets a chart asks for, within bounds. */
export function chartBuckets(req: SeriesRequest): number {
  return Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, Math.floor(req.buckets) || MIN_BUCKETS));
}

export function isRanged(req: SeriesRequest): boolean {
  return req.xMin !== undefined || req.xMax !== undefined;
}

/** A chart's series from its buckets; its times and epochs are filled by withEdgeTimes or a range read. */
export function chartData(req: SeriesRequest, s: Series, end: SeriesCursor | undefined): SeriesData {
  const n = s.count;
  return {
    runId: req.runId,
    key: req.key,
    exact: s.exact,
    points: s.points,
    steps: s.steps,
    lastSteps: s.lastSteps,
    min: s.min,
    max: s.max,
    first: s.first,
    last: s.last,
    counts: Float64Array.from(s.counts),
    t: new Float64Array(n),
    lastT: new Float64Array(n),
    epochs: new Float64Array(n),
    lastEpochs: new Float64Array(n),
    range: isRanged(req) ? { xMin: req.xMin, xMax: req.xMax } : undefined,
    end,
  };
}

/** Every bucket's first and last step: where times and epochs are looked up. */
export function edgeSteps(s: Series): Float64Array {
  const edges = new Float64Array(2 * s.count);
  edges.set(s.steps, 0);
  edges.set(s.lastSteps, s.count);
  return edges;
}

/** A point at a bucket edge: step, seq, t, epoch. */
export type EdgeRow = [step: number, seq: number, t: number | null, epoch: number | null];

/** Fills times and epochs from the points at the bucket edges (in any order). */
export function withEdgeTimes(out: SeriesData, s: Series, rows: Iterable<EdgeRow>): SeriesData {
  // A bucket starts at the first value of its first step and ends at the last of its last step.
  const firstAt = new Map<number, [seq: number, t: number | null, epoch: number | null]>();
  const lastAt = new Map<number, [seq: number, t: number | null, epoch: number | null]>();
  for (const row of rows) {
    const [step, seq] = row;
    if (!(seq >= (firstAt.get(step)?.[0] ?? Infinity))) firstAt.set(step, [seq, row[2], row[3]]);
    if (!(seq <= (lastAt.get(step)?.[0] ?? -Infinity))) lastAt.set(step, [seq, row[2], row[3]]);
  }
  for (let i = 0; i < s.count; i++) {
    const a = firstAt.get(s.steps[i]);
    const b = lastAt.get(s.lastSteps[i]);
    out.t[i] = a?.[1] ?? Number.NaN;
    out.epochs[i] = a?.[2] ?? Number.NaN;
    out.lastT[i] = b?.[1] ?? Number.NaN;
    out.lastEpochs[i] = b?.[2] ?? Number.NaN;
  }
  return out;
}

/** Every point of a series as one-point buckets (the undownsampled baseline of the bench). */
export function allPointsData(store: Store, runId: string, key: string): SeriesData {
  const p = points(store, runId, key);
  const ones = new Float64Array(p.steps.length).fill(1);
  return {
    runId,
    key,
    exact: true,
    points: p.steps.length,
    steps: p.steps,
    lastSteps: p.steps,
    min: p.values,
    max: p.values,
    first: p.values,
    last: p.values,
    counts: ones,
    t: p.t,
    lastT: p.t,
    epochs: p.epochs,
    lastEpochs: p.epochs,
  };
}


/** The cursor after the whole series as it is now; undefined when it has no points. */
export function seriesEnd(store: Store, runId: string, key: string): SeriesCursor | undefined {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return undefined;
  const row = store.stmt('SELECT last_step, last_seq FROM summaries WHERE rid = ? AND kid = ?').raw().get(rid, kid) as [number, number] | undefined;
  return row && { step: row[0], seq: row[1] };
}

/** Points of a series after `after` in (step, seq) order, or undefined when there are none. */
export function pointsAfter(store: Store, runId: string, key: string, after: SeriesCursor): (AppendedPoints & { end: SeriesCursor }) | undefined {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return undefined;
  const rows = store.stmt(SQL_AFTER).raw().all(rid, kid, after.step, after.seq) as [number, number, number | null, number | null, number | null][];
  if (rows.length === 0) return undefined;
  const n = rows.length;
  const out = { runId, key, steps: new Float64Array(n), values: new Float64Array(n), t: new Float64Array(n), epochs: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const [step, , value, t, epoch] = rows[i];
    out.steps[i] = step;
    out.values[i] = value ?? Number.NaN;
    out.t[i] = t ?? Number.NaN;
    out.epochs[i] = epoch ?? Number.NaN;
  }
  return { ...out, end: { step: rows[n - 1][0], seq: rows[n - 1][1] } };
}

/** How many points a series has after `after` (decides append vs. resend). */
export function countAfter(store: Store, runId: string, key: string, after: SeriesCursor): number {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return 0;
  return store.stmt(SQL_COUNT_AFTER).pluck().get(rid, kid, after.step, after.seq) as number;
}
