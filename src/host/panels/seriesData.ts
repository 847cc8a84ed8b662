// Series for the panels, from the index: min/max buckets sized to the chart (refined for a
// zoomed range), each bucket's first and last step carrying its time and epoch so the
// webview can switch x axes without asking again. Pure: no editor API.
import { points, summary } from '../../core/metricQueries';
import { series } from '../../core/series';
import { type Store, keyId, runRid } from '../../core/store';
import type { AppendedPoints, SeriesData, SeriesRequest } from '../../protocol/series';

const MIN_BUCKETS = 16;
const MAX_BUCKETS = 4000;

const SQL_AT = `SELECT p.step, p.t, p.epoch FROM (SELECT DISTINCT value AS step FROM json_each(?)) e
  JOIN points p ON p.rid = ? AND p.kid = ? AND p.step = e.step`;

export function seriesData(store: Store, req: SeriesRequest): SeriesData {
  const buckets = Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, Math.floor(req.buckets) || MIN_BUCKETS));
  const ranged = req.xMin !== undefined || req.xMax !== undefined;
  const range = ranged ? { xMin: req.xMin, xMax: req.xMax } : undefined;
  const s = series(store, req.runId, req.key, { maxBuckets: buckets, xMin: req.xMin, xMax: req.xMax });
  const n = s.count;
  const out: SeriesData = {
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
    range,
  };
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
  const edges = new Float64Array(2 * n);
  edges.set(s.steps, 0);
  edges.set(s.lastSteps, n);
  const at = new Map<number, [number | null, number | null]>();
  for (const [step, t, epoch] of store.stmt(SQL_AT).raw(true).iterate(JSON.stringify(Array.from(edges)), rid, kid) as IterableIterator<[number, number | null, number | null]>) {
    at.set(step, [t, epoch]);
  }
  for (let i = 0; i < n; i++) {
    const a = at.get(s.steps[i]);
    const b = at.get(s.lastSteps[i]);
    out.t[i] = a?.[0] ?? Number.NaN;
    out.epochs[i] = a?.[1] ?? Number.NaN;
    out.lastT[i] = b?.[0] ?? Number.NaN;
    out.lastEpochs[i] = b?.[1] ?? Number.NaN;
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

/** Points of a series after `afterStep`, or undefined when there are none. */
export function pointsAfter(store: Store, runId: string, key: string, afterStep: number): AppendedPoints | undefined {
  const s = summary(store, runId, key);
  if (!s || !(s.lastStep > afterStep)) return undefined;
  const p = points(store, runId, key, { xMin: afterStep });
  let from = 0;
  while (from < p.steps.length && !(p.steps[from] > afterStep)) from++;
  if (from === p.steps.length) return undefined;
  return { runId, key, steps: p.steps.slice(from), values: p.values.slice(from), t: p.t.slice(from), epochs: p.epochs.slice(from) };
}

/** How many points a series has after `afterStep` (decides append vs. resend). */
export function countAfter(store: Store, runId: string, key: string, afterStep: number): number {
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  if (rid === undefined || kid === undefined) return 0;
  return store.stmt('SELECT count(*) FROM points WHERE rid = ? AND kid = ? AND step > ?').pluck().get(rid, kid, afterStep) as number;
}
