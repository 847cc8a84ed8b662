// The datasets and code files that are not the same in every run, by content hash. A code
// file can be diffed between the first run that has it and any other run.
import type { FileView, RunView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { runHeader } from './legend';

function table(label: string, first: string, runs: RunView[], colorOf: (id: string) => string, rows: HTMLElement[]): HTMLElement {
  return el(
    'div',
    { class: 'compare-table-wrap' },
    el(
      'table',
      { class: 'simple-table compare-table', attrs: { 'aria-label': label } },
      el('thead', {}, el('tr', {}, el('th', { text: first }), ...runs.map((r) => el('th', {}, runHeader(r, colorOf(r.id)))))),
      el('tbody', {}, ...rows),
    ),
  );
}

function differing(names: string[], hashOf: (run: RunView, name: string) => string | undefined, runs: RunView[]): string[] {
  return names.filter((n) => new Set(runs.map((r) => hashOf(r, n) ?? '')).size > 1);
}

export function renderDiffs(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string, diff: (path: string, left: string, right: string) => void): void {
  const dsHash = (r: RunView, name: string) => r.datasets.find((d) => d.name === name)?.hash;
  const dsNames = [...new Set(runs.flatMap((r) => r.datasets.map((d) => d.name)))].sort();
  const dsDiff = differing(dsNames, dsHash, runs);

  const codeOf = runs.map((r) => new Map(r.code.map((f: FileView) => [f.path, f.hash])));
  const paths = [...new Set(runs.flatMap((r) => r.code.map((f) => f.path)))].sort();
  const codeDiff = differing(paths, (r, p) => codeOf[runs.indexOf(r)].get(p), runs);

  const cell = (hash: string | undefined, base: string | undefined, extra?: Node) =>
    el('td', { class: `mono-wrap${hash !== base ? ' differs' : ''}`, title: hash ?? 'not in this run' }, hash ? el('code', { text: hash.slice(0, 10) }) : '—', extra ?? null);

  const dsRows = dsDiff.map((name) => {
    const base = dsHash(runs[0], name);
    return el('tr', { dataset: { dataset: name } }, el('th', { text: name }), ...runs.map((r) => cell(dsHash(r, name), base)));
  });
  const codeRows = codeDiff.map((p) => {
    const firstWith = runs.findIndex((_, i) => codeOf[i].has(p));
    const base = codeOf[firstWith]?.get(p);
    return el(
      'tr',
      { dataset: { file: p } },
      el('th', { class: 'mono-wrap', text: p }),
      ...runs.map((r, i) => {
        const h = codeOf[i].get(p);
        const link =
          h && i !== firstWith && h !== base
            ? el('a', { attrs: { href: '#', role: 'button', title: `Diff ${p} of ${runs[firstWith].name} with ${r.name}` }, text: ' diff', on: { click: (e) => (e.preventDefault(), diff(p, runs[firstWith].id, r.id)) } })
            : undefined;
        return cell(h, base, link);
      }),
    );
  });
  replaceChildren(
    root,
    el('h3', { text: `Datasets (${dsDiff.length} of ${dsNames.length} differ)` }),
    dsRows.length ? table('Datasets that differ', 'Dataset', runs, colorOf, dsRows) : el('p', { class: 'empty', text: dsNames.length ? 'Every run read the same data.' : 'No datasets logged.' }),
    el('h3', { text: `Code (${codeDiff.length} of ${paths.length} files differ)` }),
    codeRows.length ? table('Code files that differ', 'File', runs, colorOf, codeRows) : el('p', { class: 'empty', text: paths.length ? 'The code snapshots are the same.' : 'No code snapshots stored.' }),
  );
}
