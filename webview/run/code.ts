// The Code tab: the files stored with the run, openable, comparable with the workspace and
// restorable (the host asks before it writes and keeps the current file first).
import type { CodeAction } from '../../src/protocol/runPanel';
import type { FileView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { formatBytes } from '../shared/format';
import { hashCell, simpleTable } from '../shared/table';

const LABELS: Record<CodeAction, string> = { open: 'Open', diff: 'Diff with Current', restore: 'Restore File…' };

export function renderCode(root: HTMLElement, files: FileView[], script: string | null, act: (action: CodeAction, path: string) => void): void {
  if (files.length === 0) {
    replaceChildren(root, el('p', { class: 'empty', text: 'No code snapshot stored with this run.' }));
    return;
  }
  const sorted = [...files].sort((a, b) => Number(b.path === script) - Number(a.path === script) || a.path.localeCompare(b.path));
  replaceChildren(
    root,
    simpleTable(
      ['File', 'Size', 'Hash', ''],
      sorted.map((f) => [
        { node: f.path + (f.path === script ? '  (script)' : ''), class: 'mono-wrap' },
        { node: formatBytes(f.size), class: 'num' },
        hashCell(f.hash),
        el(
          'div',
          { class: 'row-actions' },
          ...(['open', 'diff', 'restore'] as CodeAction[]).map((action) =>
            el('vscode-button', { attrs: { secondary: true, 'aria-label': `${LABELS[action]} ${f.path}` }, dataset: { action }, text: LABELS[action], on: { click: () => act(action, f.path) } }),
          ),
        ),
      ]),
      { class: 'code-files', label: 'Code snapshot' },
    ),
  );
}
