// Metrics logged once (a final val/auc, a test score) are values, not curves: each shows as a
// card with its number, step and time in a "Summary" strip above the charts, one line per run
// when runs are compared.
import type { MetricSummaryView } from '../../src/protocol/metricView';
import { fromWire } from '../../src/protocol/wireNumber';
import { breakable, el, replaceChildren } from './dom';
import { formatDate, formatMetric } from './format';

export interface StripRun {
  id: string;
  label: string;
  color: string;
  metrics: MetricSummaryView[];
}

/** Keys that no run logged more than once: these are shown as values, not charts. */
export function singleValueKeys(runs: { metrics: MetricSummaryView[] }[]): Set<string> {
  const counts = new Map<string, number>();
  for (const r of runs) for (const m of r.metrics) counts.set(m.key, Math.max(counts.get(m.key) ?? 0, m.count));
  return new Set([...counts].filter(([, n]) => n <= 1).map(([k]) => k));
}

export class SummaryStrip {
  readonly element = el('section', { class: 'summary-strip', attrs: { 'aria-label': 'Summary', hidden: true } });

  render(keys: string[], runs: StripRun[]): void {
    this.element.hidden = keys.length === 0;
    if (!keys.length) {
      replaceChildren(this.element);
      return;
    }
    const many = runs.length > 1;
    const cards = keys.map((key) => {
      const lines = runs.flatMap((r) => {
        const m = r.metrics.find((x) => x.key === key);
        if (!m) return [];
        const when = `step ${m.lastStep.toLocaleString('en-US')}${m.t ? ` · ${formatDate(m.t)}` : ''}`;
        const value = el('span', { class: 'summary-value', text: formatMetric(fromWire(m.last)) });
        if (!many) return [value, el('span', { class: 'summary-when muted', text: when })];
        const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
        swatch.style.setProperty('--swatch', r.color);
        return [el('div', { class: 'summary-run', title: `${r.label}: ${when}` }, swatch, el('span', { class: 'summary-run-name', text: r.label }), value)];
      });
      return el('div', { class: 'summary-card', dataset: { key }, attrs: { role: 'group', 'aria-label': key } }, el('div', { class: 'summary-key', title: key }, breakable(key)), ...lines);
    });
    replaceChildren(this.element, el('h3', { class: 'summary-title', text: 'Summary' }), el('div', { class: 'summary-cards' }, ...cards));
  }
}
