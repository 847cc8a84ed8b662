// Text for changes against the baseline and PSI values.
import type { MetricCheckView } from '../../src/protocol/model';
import { formatMetric } from '../shared/format';

export function changeText(c: MetricCheckView): string {
  if (c.change === null) return c.degraded ? (c.value === null ? 'not a number' : 'worse than 0') : '';
  const pct = Math.abs(c.change * 100);
  if (pct < 0.05) return 'same';
  return `${pct.toFixed(pct < 10 ? 1 : 0)} % ${c.change > 0 ? 'worse' : 'better'}`;
}

export function valueText(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : formatMetric(x);
}

export function percentText(x: number): string {
  return `${(x * 100).toFixed(x * 100 < 10 ? 1 : 0)} %`;
}

export function psiText(x: number): string {
  return x < 0.001 ? x.toExponential(1) : x.toFixed(3);
}
