// One row per evaluation: when, which data (dataset hashes), each metric with its change
// against the baseline, and the worst-drifting column. Degraded rows and cells are marked.
import type { EvaluationView, ModelReportView } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatDate } from '../shared/format';
import { statusBadge } from '../shared/status';
import { runLink } from './degradations';
import { changeText, psiText, valueText } from './format';

function metricCell(e: EvaluationView, key: string): HTMLElement {
  const check = e.checks.find((c) => c.key === key);
  const td = el('td', { class: `num${check?.degraded ? ' degraded-cell' : ''}` }, valueText(e.values[key]));
  if (check) {
    const change = changeText(check);
    if (change) td.append(el('div', { class: `change${check.degraded ? ' worse' : ''}`, text: `${check.degraded ? '⚠ ' : ''}${change}` }));
  }
  return td;
}

export function renderEvaluations(node: HTMLElement, r: ModelReportView, openRun: (id: string) => void): void {
  if (r.evaluations.length === 0) {
    replaceChildren(
      node,
      el('h2', { text: 'Evaluations' }),
      el('p', { class: 'empty', text: `No evaluation runs of this version yet. Start one with trackside.init(model="${r.name}@${r.version}").` }),
    );
    return;
  }
  const head = el(
    'tr',
    {},
    el('th', { text: 'Evaluation', attrs: { scope: 'col' } }),
    el('th', { text: 'Started', attrs: { scope: 'col' } }),
    el('th', { text: 'Data (sha256)', attrs: { scope: 'col' } }),
    ...r.metrics.map((k) => el('th', { class: 'num', text: k, title: `${r.directions[k]} is better`, attrs: { scope: 'col' } })),
    el('th', { text: 'Worst drift (PSI)', attrs: { scope: 'col' } }),
  );
  const rows = r.evaluations.map((e) => {
    const worst = e.drift[0];
    const mark = e.baseline ? el('span', { class: 'badge baseline', text: 'baseline' }) : e.degraded ? el('span', { class: 'badge degraded', text: '⚠ degraded' }) : null;
    return el(
      'tr',
      { class: [e.degraded ? 'degraded' : '', e.baseline ? 'baseline' : ''].filter(Boolean).join(' '), dataset: { runId: e.runId } },
      el('th', { attrs: { scope: 'row' } }, runLink(e.name, e.runId, openRun), ' ', mark, e.status !== 'finished' ? statusBadge(e.status) : null),
      el('td', { class: 'nowrap', text: formatDate(e.started) }),
      el('td', {}, ...e.datasets.flatMap((d, i) => [i ? ', ' : '', el('code', { text: d.hash.slice(0, 10), title: `${d.name}: ${d.path}\nsha256 ${d.hash}` })])),
      ...r.metrics.map((k) => metricCell(e, k)),
      el('td', {}, worst ? el('span', { class: `drift-${worst.level}` }, `${worst.column} `, el('span', { class: 'num', text: psiText(worst.psi) })) : el('span', { class: 'muted', text: '—' })),
    );
  });
  replaceChildren(
    node,
    el('h2', { text: `Evaluations (${r.evaluations.length})` }),
    el('div', { class: 'table-scroll' }, el('table', { class: 'simple-table evaluations', attrs: { 'aria-label': 'Evaluations' } }, el('thead', {}, head), el('tbody', {}, ...rows))),
  );
}
