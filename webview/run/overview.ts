// The Overview tab: where the run came from, its params and a summary of every metric.
import type { RunView } from '../../src/protocol/runView';
import { fromWire } from '../../src/protocol/wireNumber';
import { el, replaceChildren } from '../shared/dom';
import { formatDate, formatDuration, formatMetric, formatParam } from '../shared/format';
import { type Cell, simpleTable } from '../shared/table';

export function renderOverview(root: HTMLElement, run: RunView): void {
  const details: [string, string | null][] = [
    ['Run id', run.id],
    ['Experiment', run.experiment],
    ['Started', run.started === null ? null : formatDate(run.started)],
    ['Ended', run.ended === null ? null : formatDate(run.ended)],
    ['Duration', run.duration === null ? null : formatDuration(run.duration)],
    ['Exit code', run.exitCode === null ? null : String(run.exitCode)],
    ['Command', run.command],
    ['Working folder', run.cwd],
    ['Script', run.script],
    ['Interpreter', [run.python?.executable, run.python?.version].filter(Boolean).join(' ') || null],
    ['Git', run.git ? [run.git.branch, run.git.commit, run.git.dirty ? '(uncommitted changes)' : ''].filter(Boolean).join(' ') : null],
    ['Host', run.host],
  ];
  const params = Object.entries(run.params);
  replaceChildren(
    root,
    run.error ? el('section', { class: 'section error-section' }, el('h2', { text: 'Error' }), el('pre', { class: 'error-text', text: run.error })) : null,
    run.badLines ? el('p', { class: 'warning', text: `${run.badLines} malformed line${run.badLines === 1 ? '' : 's'} of this run's event log were skipped.` }) : null,
    el('div', { class: 'overview-columns' },
      el('section', { class: 'section' }, el('h2', { text: 'Details' }), simpleTable(['Field', 'Value'], details.filter(([, v]) => v).map(([k, v]) => [k, { node: v as string, class: 'mono-wrap' }]), { class: 'kv', label: 'Run details' })),
      el(
        'section',
        { class: 'section' },
        el('h2', { text: `Parameters (${params.length})` }),
        params.length ? simpleTable(['Name', 'Value'], params.map(([k, v]) => [k, { node: formatParam(v), class: 'mono-wrap' }]), { class: 'kv params', label: 'Parameters' }) : el('p', { class: 'empty', text: 'No parameters logged.' }),
      ),
    ),
    el(
      'section',
      { class: 'section' },
      el('h2', { text: `Metrics (${run.metrics.length})` }),
      run.metrics.length
        ? simpleTable(
            ['Metric', 'Last', 'Min', 'Max', 'Steps', 'Points'],
            [...run.metrics].sort((a, b) => Number(a.key.startsWith('sys/')) - Number(b.key.startsWith('sys/'))).map((m): Cell[] => [
              m.key,
              { node: formatMetric(fromWire(m.last)), class: 'num' },
              { node: formatMetric(fromWire(m.min)), class: 'num' },
              { node: formatMetric(fromWire(m.max)), class: 'num' },
              { node: `${m.firstStep}–${m.lastStep}`, class: 'num' },
              { node: `${m.count}${m.nans ? ` (${m.nans} NaN)` : ''}`, class: 'num' },
            ]),
            { class: 'summaries', label: 'Metric summaries', numeric: [1, 2, 3, 4, 5] },
          )
        : el('p', { class: 'empty', text: 'No metrics logged yet.' }),
    ),
  );
}
