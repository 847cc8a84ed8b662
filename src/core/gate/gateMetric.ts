// One metric judged: a candidate held to a baseline with --min-delta (compare), or a later
// evaluation held to a version's first one with the degradation tolerance.
import { type DegradationSettings, type Direction, checkMetric, metricDirection } from '../models/degradation';
import { formatDelta, formatValue } from './gateFormat';
import type { GateMetric } from './gateTypes';

export interface MetricSpec {
  key: string;
  /** From ":max" / ":min"; otherwise the metric's name (loss, error … lower; the rest higher). */
  direction?: Direction;
}

/** "val/auc", "val/auc:max", "calibration:min"; undefined when empty. */
export function parseMetricSpec(text: string): MetricSpec | undefined {
  const m = /^(.*):(max|min)$/.exec(text);
  const key = (m ? m[1] : text).trim();
  if (!key) return undefined;
  return m ? { key, direction: m[2] === 'max' ? 'higher' : 'lower' } : { key };
}

export function specDirection(spec: MetricSpec, settings?: DegradationSettings): Direction {
  return spec.direction ?? metricDirection(spec.key, settings);
}

const better = (d: Direction): string => `${d} is better`;

/** Compare mode: passes when the candidate is at least as good as the baseline plus minDelta. */
export function compareMetric(spec: MetricSpec, baseline: number, candidate: number, minDelta: number, settings?: DegradationSettings): GateMetric {
  const direction = specDirection(spec, settings);
  const delta = candidate - baseline;
  const base = { key: spec.key, direction, baseline, candidate, delta, threshold: minDelta, change: null };
  const values = `${formatValue(baseline)} → ${formatValue(candidate)}`;
  if (!Number.isFinite(candidate)) {
    return { ...base, pass: false, reason: `${spec.key} of the candidate is ${formatValue(candidate)}, not a number to compare (baseline ${formatValue(baseline)})` };
  }
  const gain = direction === 'higher' ? delta : -delta;
  // A tie passes at 0: rounding in the last bits is not a change.
  const slack = 1e-12 * Math.max(1, Math.abs(baseline), Math.abs(candidate));
  const pass = gain >= minDelta - slack;
  const asked = minDelta === 0 ? '' : `, at least ${formatDelta(direction === 'higher' ? minDelta : -minDelta)} asked`;
  const what = Math.abs(gain) <= slack ? 'unchanged' : gain > 0 ? 'improved' : direction === 'higher' ? 'fell' : 'rose';
  return { ...base, pass, reason: `${spec.key} ${what}: ${formatDelta(delta)} (${values}; ${better(direction)}${asked})` };
}

/** Degradation mode: the tolerance rule the Model panel draws, with this spec's direction. */
export function degradationMetric(spec: MetricSpec, first: number, value: number, settings: DegradationSettings): GateMetric {
  const rule = { ...settings.overrides?.[spec.key], ...(spec.direction ? { direction: spec.direction } : {}) };
  const check = checkMetric(spec.key, first, value, { ...settings, overrides: { ...settings.overrides, [spec.key]: rule } });
  const values = `${formatValue(first)} → ${formatValue(value)}`;
  const tolerance = `${+(check.tolerance * 100).toFixed(2)} %`;
  let reason: string;
  if (!Number.isFinite(value)) reason = `${spec.key} is ${formatValue(value)} (first evaluation ${formatValue(first)})`;
  else if (check.change === null) reason = `${spec.key} ${check.degraded ? 'worsened from a first value of 0' : 'unchanged'} (${values}; ${better(check.direction)})`;
  else {
    const pct = `${+(Math.abs(check.change) * 100).toFixed(1)} %`;
    const moved = check.change > 0 ? 'worsened' : 'improved';
    reason = `${spec.key} ${moved} ${pct} (${values}; ${better(check.direction)}, tolerance ${tolerance})`;
  }
  return {
    key: spec.key,
    direction: check.direction,
    baseline: first,
    candidate: value,
    delta: value - first,
    threshold: check.tolerance,
    change: check.change,
    pass: !check.degraded && Number.isFinite(value),
    reason,
  };
}
