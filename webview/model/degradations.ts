// The degradations of this version: every metric of every evaluation that got worse than
// the first evaluation by more than the tolerance.
import type { ModelReportView } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatDate } from '../shared/format';
import { changeText, percentText, valueText } from './format';

export function renderDegradations(node: HTMLElement, r: ModelReportView, openRun: (id: string) => void): void {
  const baseline = r.evaluations.find((e) => e.baseline);
  if (!baseline) {
    replaceChildren(node, el('p', { class: 'empty', text: 'No finished evaluation of this version yet: the first one becomes the baseline the others are held to.' }));
    return;
  }
  const intro = el('p', { class: 'muted' }, `Held to the first evaluation, `, runLink(baseline.name, baseline.runId, openRun), ` (${formatDate(baseline.started)}), with a tolerance of ${percentText(r.tolerance)}.`);
  if (r.degradations.length === 0) {
    replaceChildren(node, el('h2', { text: 'Degradations' }), intro, el('p', { class: 'no-degradation', text: 'No evaluation is worse than the tolerance on any metric.' }));
    return;
  }
  const items = r.degradations.map((d) =>
    el(
      'li',
      { class: 'degradation', dataset: { runId: d.runId, metric: d.check.key } },
      el('span', { class: 'degradation-icon', text: '⚠', attrs: { 'aria-hidden': 'true' } }),
      runLink(d.name, d.runId, openRun),
      el('span', { class: 'muted', text: ` ${formatDate(d.started)} · ` }),
      el('code', { text: d.check.key }),
      ` ${valueText(d.check.baseline)} → ${valueText(d.check.value)} `,
      el('strong', { text: `(${changeText(d.check)}` }),
      el('span', { class: 'muted', text: `, ${d.check.direction} is better, tolerance ${percentText(d.check.tolerance)})` }),
    ),
  );
  replaceChildren(node, el('h2', { text: `Degradations (${r.degradations.length})` }), intro, el('ul', { class: 'degradation-list', attrs: { 'aria-label': 'Degradations' } }, ...items));
}

export function runLink(text: string, runId: string, openRun: (id: string) => void): HTMLElement {
  return el('a', { text, title: runId, attrs: { href: '#' }, on: { click: (e) => (e.preventDefault(), openRun(runId)) } });
}
