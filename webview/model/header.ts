// The version's header: name, version switcher, aliases, and what it is made of.
import type { ModelReportView, VersionChoice } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatBytes, formatDate } from '../shared/format';
import { simpleTable, type Cell } from '../shared/table';
import { statusBadge } from '../shared/status';

export interface HeaderActions {
  openRun(runId: string): void;
  openVersion(version: number): void;
  setAlias(): void;
}

export function renderHeader(node: HTMLElement, r: ModelReportView, versions: VersionChoice[], a: HeaderActions): void {
  const select = el('select', { class: 'version-select', attrs: { 'aria-label': 'Version' } });
  for (const v of versions) {
    const option = el('option', { text: `v${v.version}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}`, attrs: { value: v.version } });
    option.selected = v.version === r.version;
    select.append(option);
  }
  select.addEventListener('change', () => a.openVersion(Number(select.value)));
  const aliasButton = el('button', { class: 'text-button', text: 'Set Alias…', attrs: { type: 'button' }, on: { click: () => a.setAlias() } });
  const aliases = el(
    'div',
    { class: 'run-tags', attrs: { role: 'list', 'aria-label': 'Aliases' } },
    ...r.aliases.map((alias) => el('span', { class: 'tag alias', attrs: { role: 'listitem' } }, el('span', { class: 'tag-text', text: alias }))),
    aliasButton,
  );
  const run = r.runId
    ? el('a', { text: r.runName ?? r.runId, title: r.runId, attrs: { href: '#' }, on: { click: (e) => (e.preventDefault(), a.openRun(r.runId!)) } })
    : el('span', { class: 'muted', text: 'no training run' });
  const facts = el(
    'div',
    { class: 'run-facts' },
    el('span', { class: 'fact' }, 'trained by ', run),
    r.runStatus ? statusBadge(r.runStatus) : null,
    el('span', { class: 'fact', text: `logged ${formatDate(r.t)}` }),
  );
  const rows: Cell[][] = [
    ['Weights', el('span', {}, el('code', { text: r.weights }), ` · ${formatBytes(r.size)} · `, el('code', { text: r.hash.slice(0, 12), title: r.hash }))],
    ['Inference code', r.code.length ? el('span', {}, ...r.code.flatMap((c, i) => [i ? ', ' : '', el('code', { text: c.path, title: `sha256 ${c.hash}` })])) : el('span', { class: 'muted', text: 'none recorded' })],
    [
      'Training data',
      r.datasets.length
        ? el('span', {}, ...r.datasets.flatMap((d, i) => [i ? ', ' : '', `${d.name} `, el('code', { text: d.hash.slice(0, 12), title: d.hash }), d.columns ? ` (${d.columns} numeric columns)` : '']))
        : el('span', { class: 'muted', text: 'none recorded' }),
    ],
    ...Object.entries(r.metadata).map(([k, v]): Cell[] => [k, el('code', { text: typeof v === 'string' ? v : JSON.stringify(v) })]),
  ];
  replaceChildren(
    node,
    el('div', { class: 'run-title' }, el('h1', { class: 'run-name', text: `${r.name}` }), select),
    facts,
    aliases,
    simpleTable(['', ''], rows, { class: 'kv model-facts', label: 'Version' }),
  );
}
