// Level-of-detail buckets of a metric series: level L groups the steps
// [b * 16^L, (b + 1) * 16^L) into one row with count, NaN count, min, max, first and last.
// A chart of N buckets reads about N..16N rows of one level instead of every point.

/** What every summary of a metric's values keeps, however they are grouped: counts, range, steps spanned. */
export interface ValueStats {
  /** Values (several at one step count each), NaN ones included. */
  count: number;
  nans: number;
  /** Over non-NaN values; NaN while every value is NaN. */
  min: number;
  max: number;
  firstStep: number;
  lastStep: number;
}

/** The same as an SQL row stores it (NaN as null). */
export interface ValueStatsRow {
  count: number;
  nans: number;
  min: number | null;
  max: number | null;
  first_step: number;
  last_step: number;
}

export const LOD_BASE = 16;
export const LOD_LEVELS = 4;

export function bucketWidth(level: number): number {
  return LOD_BASE ** level;
}

/** One bucket's aggregate. `min`/`max` are NaN while the bucket holds no non-NaN value. */
export interface Agg extends ValueStats {
  bucket: number;
  first: number;
  last: number;
}

export function newAgg(bucket: number, step: number, value: number): Agg {
  const nan = value !== value;
  return {
    bucket,
    count: 1,
    nans: nan ? 1 : 0,
    min: value,
    max: value,
    firstStep: step,
    lastStep: step,
    first: value,
    last: value,
  };
}

export function addToAgg(a: Agg, step: number, value: number): void {
  a.count++;
  if (value !== value) a.nans++;
  else {
    if (!(value >= a.min)) a.min = value;
    if (!(value <= a.max)) a.max = value;
  }
  if (step < a.firstStep) {
    a.firstStep = step;
    a.first = value;
  }
  if (step >= a.lastStep) {
    a.lastStep = step;
    a.last = value;
  }
}

/** Folds `b` into `a` (disjoint sets of steps). */
export function mergeAgg(a: Agg, b: Agg): void {
  a.count += b.count;
  a.nans += b.nans;
  if (!(b.min >= a.min)) a.min = b.min !== b.min ? a.min : b.min;
  if (!(b.max <= a.max)) a.max = b.max !== b.max ? a.max : b.max;
  if (b.firstStep < a.firstStep) {
    a.firstStep = b.firstStep;
    a.first = b.first;
  }
  if (b.lastStep >= a.lastStep) {
    a.lastStep = b.lastStep;
    a.last = b.last;
  }
}

/** Merges aggregates of the same bucket and sorts by bucket. */
export function normalizeAggs(aggs: Agg[]): Agg[] {
  const byBucket = new Map<number, Agg>();
  for (const a of aggs) {
    const have = byBucket.get(a.bucket);
    if (have) mergeAgg(have, a);
    else byBucket.set(a.bucket, { ...a });
  }
  return [...byBucket.values()].sort((x, y) => x.bucket - y.bucket);
}

/** The next level up from aggregates sorted by bucket. */
export function coarsen(aggs: Agg[]): Agg[] {
  const out: Agg[] = [];
  let cur: Agg | undefined;
  for (const a of aggs) {
    const b = Math.floor(a.bucket / LOD_BASE);
    if (cur && cur.bucket === b) mergeAgg(cur, a);
    else {
      cur = { ...a, bucket: b };
      out.push(cur);
    }
  }
  return out;
}
