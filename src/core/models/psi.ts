// Population stability index of a numeric column against a reference (the training data):
//   PSI = Σ (a_i − e_i) · ln(a_i / e_i)
// over the reference's bins (its histogram bins plus one below and one above them), e and a
// being the share of values in each bin, floored at EPSILON so an empty bin stays finite.
// The current histogram has its own edges; its counts are spread onto the reference's bins
// assuming values are uniform within each of its bins (its below/above counts span its
// min/max). With equal edges this is exact. A column with few distinct values has them all
// counted: its values are binned exactly, and when the reference's are counted too (codes,
// counts, text), the bins are its values plus one for values it never had. Rule of thumb:
// < 0.1 stable, 0.1–0.25 some shift, > 0.25 a major shift.
import type { Histogram, NumericColumn } from './columnSummary';

export const EPSILON = 1e-4;

export type DriftLevel = 'stable' | 'moderate' | 'major';

export function driftLevel(psi: number): DriftLevel {
  return psi < 0.1 ? 'stable' : psi <= 0.25 ? 'moderate' : 'major';
}

/** The reference's counts in PSI bin order: below, bins…, above. */
export function referenceCounts(h: Histogram): number[] {
  return [h.under, ...h.counts, h.over];
}

/** Index in PSI bin order (0 = below edges[0], n + 1 = above the last edge) of a value. */
function binOf(x: number, edges: readonly number[]): number {
  const n = edges.length - 1;
  if (x < edges[0]) return 0;
  if (x > edges[n]) return n + 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Spreads a histogram's counts over `edges` (PSI bin order, n + 2 entries). */
export function rebin(h: Histogram, min: number, max: number, edges: readonly number[]): number[] {
  const n = edges.length - 1;
  const out = new Array<number>(n + 2).fill(0);
  const spread = (a: number, b: number, c: number): void => {
    if (c <= 0) return;
    if (!(b > a)) {
      out[binOf(a, edges)] += c;
      return;
    }
    for (let j = 0; j < n + 2; j++) {
      const lo = j === 0 ? Number.NEGATIVE_INFINITY : edges[j - 1];
      const hi = j === n + 1 ? Number.POSITIVE_INFINITY : edges[j];
      const overlap = Math.min(b, hi) - Math.max(a, lo);
      if (overlap > 0) out[j] += (c * overlap) / (b - a);
    }
  };
  const e = h.edges;
  spread(Math.min(min, e[0]), e[0], h.under);
  for (let i = 0; i < h.counts.length; i++) spread(e[i], e[i + 1], h.counts[i]);
  spread(e[e.length - 1], Math.max(max, e[e.length - 1]), h.over);
  return out;
}

/** PSI of `actual` against `expected` counts over the same bins. */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = EPSILON): number {
  if (expected.length !== actual.length) throw new Error('psi: the two histograms have different bins');
  const te = expected.reduce((s, x) => s + x, 0);
  const ta = actual.reduce((s, x) => s + x, 0);
  if (te <= 0 || ta <= 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] / te, epsilon);
    const a = Math.max(actual[i] / ta, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** PSI over the reference's values plus one bin for values it never had. */
export function categoricalPsi(reference: ReadonlyMap<string | number, number>, current: ReadonlyMap<string | number, number>): number {
  const keys = [...reference.keys()];
  let other = 0;
  for (const [k, n] of current) if (!reference.has(k)) other += n;
  return psi([...keys.map((k) => reference.get(k)!), 0], [...keys.map((k) => current.get(k) ?? 0), other]);
}

/** Exact counts of a column's counted values on `edges` (PSI bin order). */
function pointCounts(values: readonly [number, number][], edges: readonly number[]): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  for (const [v, n] of values) out[binOf(v, edges)] += n;
  return out;
}

/** PSI of the current column against the reference column. */
export function columnPsi(reference: NumericColumn, current: NumericColumn): number {
  if (reference.values && current.values) return categoricalPsi(new Map(reference.values), new Map(current.values));
  const actual = current.values
    ? pointCounts(current.values, reference.hist.edges)
    : rebin(current.hist, current.min, current.max, reference.hist.edges);
  return psi(referenceCounts(reference.hist), actual);
}
