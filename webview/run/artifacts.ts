// The Artifacts and Datasets tabs: what a run produced and read, with actions on the stored
// copies (the host does the work; the webview only names the blob).
import type { ArtifactAction } from '../../src/protocol/runPanel';
import type { ArtifactView, DatasetView, FileView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { formatBytes, formatDate } from '../shared/format';
import { type Cell, hashCell, simpleTable } from '../shared/table';

export interface ArtifactActions {
  artifact(action: ArtifactAction, hash: string, file?: string): void;
  openRun(runId: string): void;
}

const LABELS: Record<ArtifactAction, string> = { open: 'Open', reveal: 'Reveal', copyPath: 'Copy Path', saveAs: 'Save As…' };

function actions(a: ArtifactActions, hash: string, file: string | undefined, which: ArtifactAction[], subject: string): HTMLElement {
  return el(
    'div',
    { class: 'row-actions' },
    ...which.map((action) =>
      el('vscode-button', {
        attrs: { secondary: true, 'aria-label': `${LABELS[action]} ${subject}` },
        dataset: { action },
        text: LABELS[action],
        on: { click: () => a.artifact(action, hash, file) },
      }),
    ),
  );
}

export function renderArtifacts(root: HTMLElement, artifacts: ArtifactView[], a: ArtifactActions): void {
  if (artifacts.length === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No artifacts logged.' }));
    return;
  }
  const rows: Cell[][] = [];
  for (const art of artifacts) {
    const folder = art.files.length > 0;
    rows.push([
      { node: art.name, title: art.source ?? art.name },
      art.kind + (folder ? ` (${art.files.length} files)` : ''),
      { node: formatBytes(art.size), class: 'num' },
      hashCell(art.hash),
      formatDate(art.t),
      actions(a, art.hash, undefined, folder ? ['reveal', 'copyPath', 'saveAs'] : ['open', 'reveal', 'copyPath', 'saveAs'], art.name),
    ]);
    for (const f of art.files.slice(0, 200)) {
      rows.push([{ node: `  ${f.path}`, class: 'sub-row' }, '', { node: formatBytes(f.size), class: 'num' }, hashCell(f.hash), '', actions(a, art.hash, f.path, ['open', 'saveAs'], f.path)]);
    }
  }
  replaceChildren(root, simpleTable(['Name', 'Kind', 'Size', 'Hash', 'Logged', ''], rows, { class: 'artifacts', label: 'Artifacts', numeric: [2] }));
}

export function renderDatasets(root: HTMLElement, datasets: DatasetView[], a: ArtifactActions): void {
  if (datasets.length === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No datasets logged.' }));
    return;
  }
  replaceChildren(root, ...datasets.map((d) => datasetSection(d, a)));
}

function datasetSection(d: DatasetView, a: ArtifactActions): HTMLElement {
  const same = d.sameAs.length
    ? el(
        'p',
        { class: 'same-data' },
        'Same data as ',
        ...d.sameAs.flatMap((r, i) => [
          i ? ', ' : '',
          el('a', { attrs: { href: '#', role: 'button' }, text: r.name, title: r.id, on: { click: (e) => (e.preventDefault(), a.openRun(r.id)) } }),
        ]),
      )
    : el('p', { class: 'same-data muted', text: 'No other run used this data.' });
  return el(
    'section',
    { class: 'section dataset' },
    el('h2', {}, el('span', { text: d.name }), el('span', { class: 'muted', text: ` ${formatBytes(d.size)}` })),
    el('p', { class: 'mono-wrap' }, el('span', { class: 'muted', text: 'path ' }), d.path, el('span', { class: 'muted', text: '  hash ' }), el('code', { text: d.hash.slice(0, 16), title: d.hash })),
    same,
    d.files.length > 1 ? simpleTable(['File', 'Size', 'Hash'], d.files.slice(0, 500).map((f: FileView) => [f.path, { node: formatBytes(f.size), class: 'num' }, hashCell(f.hash)]), { label: `Files of ${d.name}` }) : null,
  );
}
