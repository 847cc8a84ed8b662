// From buckets to chart points. The raw line visits each bucket's first, min, max and last
// value (in the order that draws the shortest path), so a line drawn through one bucket per
// pixel looks like the full-resolution line; the smoothed line is one point per bucket.
import type { XAxis } from '../../src/protocol/series';
import { emaDebiased } from './ema';
import type { SeriesBuffer } from './seriesBuffer';

/** A chart point; `b` is the bucket it comes from (hover shows that bucket's values). */
export interface XY {
  x: number;
  y: number;
  b: number;
}

export interface PointOptions {
  xAxis: XAxis;
  /** Unix ms the run started (relative time axis). */
  start: number;
  smoothing: number;
  logScale: boolean;
}

/** x of a bucket's first (which = 0) or last (which = 1) point; NaN when unknown. */
export function bucketX(s: SeriesBuffer, i: number, which: 0 | 1, o: Pick<PointOptions, 'xAxis' | 'start'>): number {
  switch (o.xAxis) {
    case 'step':
      return (which ? s.col('lastSteps') : s.col('steps'))[i];
    case 'epoch':
      return (which ? s.col('lastEpochs') : s.col('epochs'))[i];
    case 'relative':
      return (which ? s.col('lastT') : s.col('t'))[i] - o.start;
    case 'wall':
      return (which ? s.col('lastT') : s.col('t'))[i];
  }
}

function plotY(v: number, log: boolean): number {
  if (!Number.isFinite(v)) return Number.NaN; // NaN and ±Inf break the line; the tooltip and summaries say which
  if (log && v <= 0) return Number.NaN;
  return v;
}

export function rawPoints(s: SeriesBuffer, o: PointOptions): XY[] {
  const out: XY[] = [];
  const first = s.col('first');
  const last = s.col('last');
  const min = s.col('min');
  const max = s.col('max');
  const counts = s.col('counts');
  let prevX = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const x0 = bucketX(s, i, 0, o);
    const x1 = bucketX(s, i, 1, o);
    if (x0 !== x0 || x1 !== x1) continue;
    // Data must stay sorted by x for decimation and hover search.
    const a = Math.max(x0, prevX);
    const b = Math.max(x1, a);
    prevX = b;
    if (counts[i] <= 1 || a === b) {
      if (counts[i] <= 1) out.push({ x: a, y: plotY(last[i], o.logScale), b: i });
      else {
        out.push({ x: a, y: plotY(first[i], o.logScale), b: i });
        out.push({ x: a, y: plotY(min[i], o.logScale), b: i });
        out.push({ x: a, y: plotY(max[i], o.logScale), b: i });
        out.push({ x: a, y: plotY(last[i], o.logScale), b: i });
      }
      continue;
    }
    const f = first[i];
    const l = last[i];
    const lo = min[i];
    const hi = max[i];
    // first → max → min → last, or first → min → max → last: whichever travels less.
    const viaMaxFirst = Math.abs(f - hi) + Math.abs(hi - lo) + Math.abs(lo - l);
    const viaMinFirst = Math.abs(f - lo) + Math.abs(lo - hi) + Math.abs(hi - l);
    const [m1, m2] = viaMaxFirst <= viaMinFirst ? [hi, lo] : [lo, hi];
    const step = (b - a) / 3;
    out.push({ x: a, y: plotY(f, o.logScale), b: i });
    out.push({ x: a + step, y: plotY(m1, o.logScale), b: i });
    out.push({ x: a + 2 * step, y: plotY(m2, o.logScale), b: i });
    out.push({ x: b, y: plotY(l, o.logScale), b: i });
  }
  return out;
}

/** A bucket's value for smoothing: its point, or the middle of its range (a noise band's center). */
export function bucketValues(s: SeriesBuffer): Float64Array {
  const out = new Float64Array(s.length);
  const counts = s.col('counts');
  const last = s.col('last');
  const min = s.col('min');
  const max = s.col('max');
  for (let i = 0; i < s.length; i++) out[i] = counts[i] <= 1 || min[i] !== min[i] ? last[i] : (min[i] + max[i]) / 2;
  return out;
}

/** One point per bucket at its last step: the debiased EMA of the bucket values. */
export function smoothedPoints(s: SeriesBuffer, o: PointOptions): XY[] {
  const smoothed = emaDebiased(bucketValues(s), o.smoothing);
  const out: XY[] = [];
  let prevX = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const x = bucketX(s, i, 1, o);
    if (x !== x) continue;
    prevX = Math.max(x, prevX);
    out.push({ x: prevX, y: plotY(smoothed[i], o.logScale), b: i });
  }
  return out;
}

/** Whether any bucket has an x on this axis (runs that never logged epochs have none). */
export function hasAxis(s: SeriesBuffer, o: Pick<PointOptions, 'xAxis' | 'start'>): boolean {
  for (let i = 0; i < s.length; i++) if (bucketX(s, i, 1, o) === bucketX(s, i, 1, o)) return true;
  return false;
}

/**
 * The step range whose buckets fall in [lo, hi] on the current axis (for a zoom request):
 * from the first bucket ending at or after lo to the last one starting at or before hi.
 */
export function stepRangeFor(s: SeriesBuffer, lo: number, hi: number, o: Pick<PointOptions, 'xAxis' | 'start'>): { xMin: number; xMax: number } | undefined {
  if (o.xAxis === 'step') return { xMin: Math.floor(lo), xMax: Math.ceil(hi) };
  let xMin = Number.NaN;
  let xMax = Number.NaN;
  for (let i = 0; i < s.length; i++) {
    const a = bucketX(s, i, 0, o);
    const b = bucketX(s, i, 1, o);
    if (xMin !== xMin && b >= lo) xMin = s.col('steps')[i];
    if (a <= hi) xMax = s.col('lastSteps')[i];
  }
  return xMin === xMin && xMax === xMax && xMin <= xMax ? { xMin, xMax } : undefined;
}
