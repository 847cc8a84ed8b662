// Chart-ready view of one metric series: at most `maxBuckets` min/max buckets over a step
// range, read from the level-of-detail rows so a 1M-point series reads a few thousand rows.
//
// Buckets are aligned to multiples of `bucketWidth` steps (bucket j holds steps
// [j * bucketWidth, (j + 1) * bucketWidth)), so panning keeps bucket edges stable and the
// result equals grouping the raw points the same way. At the edges of a zoom range, the
// level-of-detail rows that stick out are replaced by finer ones, down to raw points, so
// nothing outside [xMin, xMax] is counted.
import { type Agg, LOD_BASE, LOD_LEVELS, bucketWidth } from './lod';
import { type Store, keyId, runRid } from './store';

export interface SeriesOptions {
  /** Most buckets to return (default 1000). */
  maxBuckets?: number;
  /** Step range to show (inclusive); default the whole series. */
  xMin?: number;
  xMax?: number;
}

export interface Series {
  key: string;
  /** Buckets returned. */
  count: number;
  /** Points covered by the buckets. */
  points: number;
  /** True when each bucket is one point (min = max = its value). */
  exact: boolean;
  /** Level-of-detail level read (0: raw points). */
  level: number;
  /** Steps per bucket; 0 when exact (each bucket is one point at its own step). */
  bucketWidth: number;
  /** Per bucket: first and last step of its points. */
  steps: Float64Array;
  lastSteps: Float64Array;
  /** Per bucket: min and max over non-NaN values (NaN when all its values are NaN). */
  min: Float64Array;
  max: Float64Array;
  /** Per bucket: values at its first and last step. */
  first: Float64Array;
  last: Float64Array;
  /** Per bucket: points, and NaN points. */
  counts: Uint32Array;
  nans: Uint32Array;
  /** First and last step covered (NaN when empty). */
  firstStep: number;
  lastStep: number;
}

type LodRow = [bucket: number, count: number, nans: number, min: number | null, max: number | null, firstStep: number, lastStep: number, first: number | null, last: number | null];
export type PointRow = [step: number, value: number | null];

const SQL_LOD = `SELECT bucket, count, nans, min, max, first_step, last_step, first, last FROM lod
  WHERE rid = ? AND kid = ? AND level = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket`;
const SQL_POINTS = 'SELECT step, value FROM points WHERE rid = ? AND kid = ? AND step >= ? AND step <= ? AND step < ? ORDER BY step, seq';
const SQL_EXTENT = 'SELECT first_step, last_step, count FROM summaries WHERE rid = ? AND kid = ?';

function n(x: number | null): number {
  return x === null ? Number.NaN : x;
}


function pointAgg(step: number, value: number): Agg {
  const nan = value !== value;
  return { bucket: 0, count: 1, nans: nan ? 1 : 0, min: value, max: value, firstStep: step, lastStep: step, first: value, last: value };
}

/** Min/max buckets of one series; see the file comment for how buckets are chosen. */
export function series(store: Store, runId: string, key: string, opts: SeriesOptions = {}): Series {
  const maxBuckets = Math.max(1, Math.floor(opts.maxBuckets ?? 1000));
  const rid = runRid(store, runId);
  const kid = keyId(store, key, false);
  const extent =
    rid === undefined || kid === undefined
      ? undefined
      : (store.stmt(SQL_EXTENT).get(rid, kid) as { first_step: number; last_step: number; count: number } | undefined);
  if (rid === undefined || kid === undefined || !extent) return seriesOf(key, [], 0, 0, true);
  const a = Math.max(opts.xMin ?? extent.first_step, extent.first_step);
  const b = Math.min(opts.xMax ?? extent.last_step, extent.last_step);
  if (!(a <= b)) return seriesOf(key, [], 0, 0, true);

  const readPoints = (lo: number, hi: number, below = Number.POSITIVE_INFINITY): PointRow[] =>
    store.stmt(SQL_POINTS).raw().all(rid, kid, lo, hi, below) as PointRow[];

  // Whole series small enough: every point.
  const whole = a === extent.first_step && b === extent.last_step;
  if (whole && extent.count <= maxBuckets) return exactSeries(key, readPoints(a, b));

  const { level, width: w, ia, ib, k } = planBuckets(a, b, maxBuckets);

  // Pieces (level rows or raw points) arrive in step order and are folded straight into
  // the output bucket of the level bucket (`owner`) they belong to.
  const fold = new BucketFold();
  const emit = (owner: number, count: number, nans: number, min: number, max: number, firstStep: number, lastStep: number, first: number, last: number): void =>
    fold.add(Math.floor(owner / k), count, nans, min, max, firstStep, lastStep, first, last);
  const emitPoints = (rows: PointRow[], owner: number | undefined): void => {
    for (const [step, value] of rows) {
      const v = n(value);
      emit(owner ?? Math.floor(step), 1, v === v ? 0 : 1, v, v, step, step, v, v);
    }
  };

  if (level === 0) {
    const rows = readPoints(a, b);
    if (rows.length <= maxBuckets) return exactSeries(key, rows);
    emitPoints(rows, undefined);
  } else {
    const lod = store.stmt(SQL_LOD).raw();
    // Rows of level `l` with buckets in [lo, hi]; a row sticking out of [a, b] is replaced
    // by the finer rows (at level 1: the raw points) inside the range.
    const collect = (l: number, lo: number, hi: number, top: number | undefined): void => {
      for (const r of lod.all(rid, kid, l, lo, hi) as LodRow[]) {
        const owner = top ?? r[0];
        if (r[5] >= a && r[6] <= b) emit(owner, r[1], r[2], n(r[3]), n(r[4]), r[5], r[6], n(r[7]), n(r[8]));
        else if (l > 1) {
          const fw = bucketWidth(l - 1);
          collect(l - 1, Math.max(r[0] * LOD_BASE, Math.floor(a / fw)), Math.min(r[0] * LOD_BASE + LOD_BASE - 1, Math.floor(b / fw)), owner);
        } else {
          const lw = bucketWidth(1);
          emitPoints(readPoints(Math.max(a, r[0] * lw), b, (r[0] + 1) * lw), owner);
        }
      }
    };
    collect(level, ia, ib, undefined);
  }
  return seriesOf(key, fold.out, level, w * k, false);
}

/** Where to read buckets over steps [a, b]: the coarsest level that still gives at least half
 * the buckets asked for (levels are 16× apart: the next finer one would read up to 32× more
 * rows than are shown), and `k` consecutive buckets of it per output bucket (as few as fit). */
export function planBuckets(a: number, b: number, maxBuckets: number): { level: number; width: number; ia: number; ib: number; k: number } {
  const span = b - a;
  let level = 0;
  for (let l = LOD_LEVELS; l >= 1; l--) {
    if (bucketWidth(l) <= (2 * span) / maxBuckets) {
      level = l;
      break;
    }
  }
  const width = bucketWidth(level);
  const ia = Math.floor(a / width);
  const ib = Math.floor(b / width);
  let k = Math.max(1, Math.ceil((ib - ia + 1) / maxBuckets));
  while (Math.floor(ib / k) - Math.floor(ia / k) + 1 > maxBuckets) k++;
  return { level, width, ia, ib, k };
}

/** Output buckets folded from pieces (level rows, points) given in step order, each with its output bucket `g`. */
export class BucketFold {
  readonly out: Agg[] = [];
  private cur: Agg | undefined;

  add(g: number, count: number, nans: number, min: number, max: number, firstStep: number, lastStep: number, first: number, last: number): void {
    const cur = this.cur;
    if (cur !== undefined && cur.bucket === g) {
      cur.count += count;
      cur.nans += nans;
      if (!(min >= cur.min) && min === min) cur.min = min;
      if (!(max <= cur.max) && max === max) cur.max = max;
      cur.lastStep = lastStep;
      cur.last = last;
    } else {
      this.cur = { bucket: g, count, nans, min, max, firstStep, lastStep, first, last };
      this.out.push(this.cur);
    }
  }
}

/** Every point as its own bucket. */
export function exactSeries(key: string, rows: PointRow[]): Series {
  return seriesOf(
    key,
    rows.map(([step, value]) => pointAgg(step, n(value))),
    0,
    0,
    true,
  );
}

export function seriesOf(key: string, aggs: Agg[], level: number, width: number, exact: boolean): Series {
  const c = aggs.length;
  const s: Series = {
    key,
    count: c,
    points: 0,
    exact,
    level,
    bucketWidth: exact ? 0 : width,
    steps: new Float64Array(c),
    lastSteps: new Float64Array(c),
    min: new Float64Array(c),
    max: new Float64Array(c),
    first: new Float64Array(c),
    last: new Float64Array(c),
    counts: new Uint32Array(c),
    nans: new Uint32Array(c),
    firstStep: c ? aggs[0].firstStep : Number.NaN,
    lastStep: c ? aggs[c - 1].lastStep : Number.NaN,
  };
  for (let i = 0; i < c; i++) {
    const g = aggs[i];
    s.steps[i] = g.firstStep;
    s.lastSteps[i] = g.lastStep;
    s.min[i] = g.min;
    s.max[i] = g.max;
    s.first[i] = g.first;
    s.last[i] = g.last;
    s.counts[i] = g.count;
    s.nans[i] = g.nans;
    s.points += g.count;
  }
  return s;
}
