// What counts as a change to a notebook: content (cells, their text, metadata, attachments,
// notebook metadata) versus outputs, execution counts and what running writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCellSig, encodeCellSig, notebookFingerprint } from '../../src/core/notebooks/fingerprint';
import type { Notebook } from '../../src/core/notebooks/nbformat';
import { parseNotebook } from '../../src/core/notebooks/parseNotebook';
import { clone, code, image, markdown, notebook, raw, serialize, stream } from '../fixtures/notebooks/build';

const base = (): Notebook =>
  notebook([
    markdown('# Training', { id: 'title' }),
    code(['import numpy as np\n', 'x = np.arange(3)\n', 'x'], { id: 'setup', execution_count: 1, outputs: [{ output_type: 'execute_result', data: { 'text/plain': ['array([0, 1, 2])'] }, metadata: {}, execution_count: 1 }] }),
    markdown('![plot](attachment:plot.png)', { id: 'pic', attachments: { 'plot.png': { 'image/png': 'iVBORw0KGgo=' } } }),
    raw('raw text', { id: 'raw' }),
  ]);

const content = (nb: Notebook): string => notebookFingerprint(nb).content;

test('formatting, key order and line splitting are not changes', () => {
  const nb = base();
  const a = parseNotebook(serialize(nb, 1));
  const b = parseNotebook(JSON.stringify(nb)); // other indent, unsorted keys
  const c = clone(nb);
  c.cells[1].source = 'import numpy as np\nx = np.arange(3)\nx'; // one string instead of lines
  assert.equal(content(a), content(b));
  assert.equal(content(a), content(c));
  assert.deepEqual(notebookFingerprint(a).cells, notebookFingerprint(c).cells);
});

test('Windows line endings in a source are not a change', () => {
  const nb = base();
  const crlf = clone(nb);
  crlf.cells[1].source = 'import numpy as np\r\nx = np.arange(3)\r\nx';
  assert.equal(content(nb), content(crlf));
});

test('outputs, execution counts and kernel info change outputs only, not content', () => {
  const nb = base();
  const rerun = clone(nb);
  rerun.cells[1].execution_count = 7;
  rerun.cells[1].outputs = [stream('hello\n'), image('AAAA')];
  rerun.metadata.language_info = { name: 'python', version: '3.11.2' };
  rerun.metadata.widgets = { state: {} };
  rerun.cells[1].metadata = { execution: { 'iopub.execute_input': '2024-06-03T10:00:00Z' }, collapsed: true, scrolled: false, jupyter: { outputs_hidden: true } };
  assert.equal(content(rerun), content(nb));
});

test('text, cell type, ids, cell metadata, attachments and notebook metadata are changes', () => {
  const nb = base();
  const variants: [string, (x: Notebook) => void][] = [
    ['text', (x) => (x.cells[1].source = 'x = 2')],
    ['type', (x) => (x.cells[3].cell_type = 'markdown')],
    ['id', (x) => (x.cells[0].id = 'heading')],
    ['tags', (x) => (x.cells[1].metadata = { tags: ['parameters'] })],
    ['attachment', (x) => (x.cells[2].attachments = { 'plot.png': { 'image/png': 'iVBORw0KGgoAAA=' } })],
    ['attachment removed', (x) => delete x.cells[2].attachments],
    ['kernel', (x) => (x.metadata.kernelspec = { name: 'conda-env', display_name: 'conda', language: 'python' })],
    ['order', (x) => x.cells.reverse()],
    ['cell added', (x) => x.cells.push(code('print(1)'))],
  ];
  const seen = new Set([content(nb)]);
  for (const [what, change] of variants) {
    const x = clone(nb);
    change(x);
    const c = content(x);
    assert.ok(!seen.has(c), `${what}: should count as a change`);
    seen.add(c);
  }
});

test('cell signatures hold kind, a hash of the text, and the id; they survive encoding', () => {
  const { cells } = notebookFingerprint(base());
  assert.deepEqual(
    cells.map((c) => [c.kind, c.id]),
    [
      ['m', 'title'],
      ['c', 'setup'],
      ['m', 'pic'],
      ['r', 'raw'],
    ],
  );
  for (const sig of cells) assert.deepEqual(decodeCellSig(encodeCellSig(sig)), sig);
  assert.match(encodeCellSig(cells[1]), /^c[0-9a-f]{8}:setup$/);
  const noId = notebookFingerprint(notebook([code('x')])).cells[0];
  assert.equal(noId.id, undefined);
  assert.deepEqual(decodeCellSig(encodeCellSig(noId)), noId);
  assert.equal(decodeCellSig('q12345678'), undefined);
  // The same text in a markdown and a code cell are different cells.
  const [m, c] = notebookFingerprint(notebook([markdown('x'), code('x')])).cells;
  assert.notEqual(m.text, c.text);
});
