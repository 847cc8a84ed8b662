// Params side by side: by default only the ones whose values differ between the runs.
import type { RunView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { formatParam } from '../shared/format';
import { checkedOf } from '../shared/elements';
import { runHeader } from './legend';

export function renderParams(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string, showAll: boolean, setShowAll: (all: boolean) => void): void {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const differs = (k: string) => new Set(runs.map((r) => (k in r.params ? JSON.stringify(r.params[k]) : '\u0000missing'))).size > 1;
  const differing = keys.filter(differs);
  const shown = showAll ? keys : differing;
  const toggle = el('vscode-checkbox', { attrs: { checked: showAll }, text: 'Show all', on: { change: () => setShowAll(checkedOf(toggle)) } });
  const table = el(
    'table',
    { class: 'simple-table compare-table params-diff', attrs: { 'aria-label': 'Parameters' } },
    el('thead', {}, el('tr', {}, el('th', { text: 'Parameter' }), ...runs.map((r) => el('th', {}, runHeader(r, colorOf(r.id)))))),
    el(
      'tbody',
      {},
      ...shown.map((k) =>
        el(
          'tr',
          { class: differs(k) ? 'differs-row' : '', dataset: { param: k } },
          el('th', { text: k }),
          ...runs.map((r) => el('td', { class: `mono-wrap${differs(k) ? ' differs' : ''}`, text: k in r.params ? formatParam(r.params[k]) : '—' })),
        ),
      ),
    ),
  );
  replaceChildren(
    root,
    el('div', { class: 'section-head' }, el('span', { class: 'muted', text: `${differing.length} of ${keys.length} differ` }), toggle),
    shown.length ? el('div', { class: 'compare-table-wrap' }, table) : el('p', { class: 'empty', text: keys.length ? 'Every parameter is the same in these runs.' : 'No parameters logged.' }),
  );
}
