// Each metric's last value per run (min and max under it), the best run's value marked.
import type { RunView } from '../../src/protocol/runView';
import { fromWire } from '../../src/protocol/wireNumber';
import { el, replaceChildren } from '../shared/dom';
import { formatMetric } from '../shared/format';
import { bestIndex, direction } from '../shared/metricDirection';
import { runHeader } from './legend';

export function renderSummaries(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string): void {
  const keys = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort((a, b) => Number(a.startsWith('sys/')) - Number(b.startsWith('sys/')) || a.localeCompare(b));
  if (keys.length === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No metrics logged.' }));
    return;
  }
  const rows = keys.map((k) => {
    const ms = runs.map((r) => r.metrics.find((m) => m.key === k));
    const dir = direction(k);
    const lasts = ms.map((m) => (m ? fromWire(m.last) : Number.NaN));
    // A best only where runs differ.
    const best = new Set(lasts.filter(Number.isFinite)).size > 1 ? bestIndex(lasts, dir) : -1;
    return el(
      'tr',
      { dataset: { metric: k } },
      el('th', { title: dir === 'none' ? k : `${k} (${dir} is better)` }, k, dir === 'none' ? null : el('span', { class: 'muted', text: dir === 'lower' ? ' ↓' : ' ↑' })),
      ...ms.map((m, i) =>
        m
          ? el(
              'td',
              { class: `num${i === best ? ' best' : ''}`, title: i === best ? 'best last value' : undefined },
              el('div', { text: formatMetric(fromWire(m.last)) }),
              el('div', { class: 'muted', text: `${formatMetric(fromWire(m.min))} – ${formatMetric(fromWire(m.max))}` }),
            )
          : el('td', { class: 'num muted', text: '—' }),
      ),
    );
  });
  replaceChildren(
    root,
    el('p', { class: 'muted', text: 'Last value; min – max below. The best last value is bold.' }),
    el(
      'div',
      { class: 'compare-table-wrap' },
      el(
        'table',
        { class: 'simple-table compare-table summaries-diff', attrs: { 'aria-label': 'Metric summaries' } },
        el('thead', {}, el('tr', {}, el('th', { text: 'Metric' }), ...runs.map((r) => el('th', { class: 'num' }, runHeader(r, colorOf(r.id)))))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}
