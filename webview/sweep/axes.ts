// The axes of a sweep's charts: one per swept parameter and one for the metric. Numbers stay
// numbers; any other values (categories, booleans) are placed at their index, labelled by name.
import type { ParamValue } from '../../src/core/events';
import type { SweepTrialView, SweepView } from '../../src/protocol/sweepPanel';

export interface Axis {
  key: string;
  label: string;
  /** Categories by index, when the values are not all numbers. */
  categories?: string[];
  value(t: SweepTrialView): number | null;
}

export function axesOf(s: SweepView, trials: readonly SweepTrialView[]): Axis[] {
  const axes: Axis[] = s.params.map((name) => {
    const values = trials.map((t) => t.params[name]).filter((v): v is Exclude<ParamValue, null> => v !== undefined && v !== null);
    if (values.every((v) => typeof v === 'number')) return { key: name, label: name, value: (t) => (typeof t.params[name] === 'number' ? (t.params[name] as number) : null) };
    const categories = [...new Set(values.map(String))].sort();
    return { key: name, label: name, categories, value: (t) => (t.params[name] == null ? null : categories.indexOf(String(t.params[name]))) };
  });
  if (s.metric) axes.push({ key: `metric:${s.metric.name}`, label: s.metric.name, value: (t) => t.value });
  return axes;
}

/** The trials that have a value on every axis (the chart draws only whole lines). */
export function complete(axes: readonly Axis[], trials: readonly SweepTrialView[]): SweepTrialView[] {
  return trials.filter((t) => axes.every((a) => a.value(t) !== null));
}

/** 0 for the best metric value, 1 for the worst. */
export function goodness(s: SweepView, trials: readonly SweepTrialView[]): (t: SweepTrialView) => number {
  const values = trials.map((t) => t.value).filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const max = s.metric?.goal === 'maximize';
  return (t) => (t.value === null ? 1 : max ? (hi - t.value) / span : (t.value - lo) / span);
}

export function bestTrials(s: SweepView, n: number): SweepTrialView[] {
  const sign = s.metric?.goal === 'maximize' ? -1 : 1;
  return s.trials
    .filter((t) => t.status === 'finished' && t.value !== null && t.runId)
    .sort((a, b) => sign * (a.value! - b.value!))
    .slice(0, n);
}
