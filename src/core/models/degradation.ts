// Degradation of an evaluation against the version's first one, per metric and
// direction-aware: a loss that rises or an accuracy that falls by more than the tolerance
// (relative to the first value) is a degradation. Improvements never are.

export type Direction = 'higher' | 'lower';

export interface MetricRule {
  tolerance?: number;
  direction?: Direction;
}

export interface DegradationSettings {
  /** Relative worsening allowed, e.g. 0.05 = 5 %. */
  tolerance: number;
  /** Per metric key: its own tolerance and/or direction. */
  overrides?: Record<string, MetricRule>;
}

export const DEFAULT_TOLERANCE = 0.05;

// Names that are better when smaller; everything else (accuracy, AUC, F1, recall …) is
// better when larger. Matched against the last path segment of the key.
const LOWER = /(loss|err|error|mse|mae|rmse|mape|nll|perplexity|ppl|wer|cer|latency|fpr|fnr|brier|distance|regret)/i;

/** Floating point slack, so a change of exactly the tolerance (0.8 → 0.76 at 5 %) is not a drop. */
const SLACK = 1e-9;

export function metricDirection(key: string, settings?: DegradationSettings): Direction {
  const override = settings?.overrides?.[key]?.direction;
  if (override === 'higher' || override === 'lower') return override;
  return LOWER.test(key.slice(key.lastIndexOf('/') + 1)) ? 'lower' : 'higher';
}

export function metricTolerance(key: string, settings: DegradationSettings): number {
  const t = settings.overrides?.[key]?.tolerance;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : settings.tolerance;
}

export interface MetricCheck {
  key: string;
  direction: Direction;
  /** Values as numbers; null where not finite. */
  baseline: number | null;
  value: number | null;
  /**
   * Relative worsening: (worse by) / |baseline|; negative is an improvement. null when it
   * cannot be computed (a non-finite value, or any change from a baseline of 0).
   */
  change: number | null;
  tolerance: number;
  degraded: boolean;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** One metric of one evaluation against the baseline evaluation. */
export function checkMetric(key: string, baseline: number, value: number, settings: DegradationSettings): MetricCheck {
  const direction = metricDirection(key, settings);
  const tolerance = metricTolerance(key, settings);
  const check: MetricCheck = { key, direction, baseline: finite(baseline), value: finite(value), change: null, tolerance, degraded: false };
  if (!Number.isFinite(baseline)) return check; // nothing to hold it to
  if (Number.isNaN(value)) {
    check.degraded = true; // the metric broke
    return check;
  }
  const worseBy = direction === 'higher' ? baseline - value : value - baseline;
  if (baseline === 0) {
    check.change = worseBy === 0 ? 0 : null;
    check.degraded = worseBy > 0;
    return check;
  }
  const change = worseBy / Math.abs(baseline);
  check.change = finite(change);
  check.degraded = change > tolerance + SLACK;
  return check;
}

/** Every metric the baseline has, checked in key order. */
export function compareToBaseline(baseline: Record<string, number>, values: Record<string, number>, settings: DegradationSettings): MetricCheck[] {
  const checks: MetricCheck[] = [];
  for (const key of Object.keys(baseline).sort()) {
    if (!(key in values)) continue;
    checks.push(checkMetric(key, baseline[key], values[key], settings));
  }
  return checks;
}
