// Data drift per evaluation: the population stability index of each numeric column against
// the version's training data, worst first.
import type { ModelReportView } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatDate } from '../shared/format';
import { simpleTable } from '../shared/table';
import { psiText } from './format';

const LEVEL_TEXT = { stable: 'stable', moderate: 'moderate shift', major: 'major shift' } as const;

export function renderDrift(node: HTMLElement, r: ModelReportView, open: Set<string>, toggled: (runId: string, isOpen: boolean) => void): void {
  const withDrift = r.evaluations.filter((e) => e.drift.length);
  if (r.evaluations.length === 0) {
    replaceChildren(node);
    return;
  }
  if (withDrift.length === 0) {
    const why = r.datasets.some((d) => d.columns)
      ? 'The evaluations logged no CSV/TSV dataset with numeric columns to compare.'
      : 'The training run logged no CSV/TSV dataset with column summaries (log_dataset on a .csv or .tsv file records them).';
    replaceChildren(node, el('h2', { text: 'Data drift' }), el('p', { class: 'empty', text: why }));
    return;
  }
  const groups = [...withDrift].reverse().map((e, i) => {
    const worst = e.drift[0];
    const details = el(
      'details',
      { class: 'drift-group', dataset: { runId: e.runId } },
      el(
        'summary',
        {},
        el('span', { class: 'drift-name', text: e.name }),
        el('span', { class: 'muted', text: ` ${formatDate(e.started)} · worst ` }),
        el('span', { class: `drift-${worst.level}`, text: `${worst.column} ${psiText(worst.psi)} (${LEVEL_TEXT[worst.level]})` }),
      ),
      simpleTable(
        ['Column', 'PSI', '', 'Data', 'Held to'],
        e.drift.map((d) => [
          d.kind === 'text' ? el('span', {}, d.column, el('span', { class: 'drift-kind', text: ' per value' })) : d.column,
          { node: psiText(d.psi), class: 'num' },
          { node: el('span', { class: `drift-${d.level}`, text: LEVEL_TEXT[d.level] }) },
          d.dataset,
          d.reference,
        ]),
        { class: 'drift-table', label: `Drift of ${e.name}` },
      ),
    );
    details.open = open.has(e.runId) || (open.size === 0 && i === 0);
    details.addEventListener('toggle', () => toggled(e.runId, details.open));
    return details;
  });
  replaceChildren(
    node,
    el('h2', { text: 'Data drift (PSI against the training data)' }),
    el('p', {
      class: 'muted',
      text: 'Population stability index of each column against the same column of the training data (numbers over its histogram bins; columns with few distinct values per value): below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one.',
    }),
    ...groups,
  );
}
