// Cell diff between two versions of a notebook: matched by id (nbformat 4.5) or by content.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignCells } from '../../src/core/notebooks/alignCells';
import { describeSummary, diffNotebooks, diffSignatures, type CellDiffEntry } from '../../src/core/notebooks/cellDiff';
import { notebookFingerprint } from '../../src/core/notebooks/fingerprint';
import type { Notebook } from '../../src/core/notebooks/nbformat';
import { clone, code, image, markdown, notebook, raw, stream } from '../fixtures/notebooks/build';

const ops = (cells: CellDiffEntry[]): string[] => cells.map((c) => `${c.op}${c.a !== undefined ? ` a${c.a}` : ''}${c.b !== undefined ? ` b${c.b}` : ''}${c.changes.length ? ` [${c.changes.join(',')}]` : ''}`);

function withIds(): Notebook {
  return notebook([
    markdown('# Data', { id: 'md-data' }),
    code('df = load()', { id: 'load' }),
    code('df.describe()', { id: 'describe', execution_count: 2, outputs: [stream('count 10\n')] }),
    markdown('# Model', { id: 'md-model' }),
    code('fit(df)', { id: 'fit' }),
  ]);
}

function withoutIds(nb: Notebook): Notebook {
  const x = clone(nb);
  for (const c of x.cells) delete c.id;
  x.nbformat_minor = 4;
  return x;
}

test('identical notebooks: every cell unchanged', () => {
  const d = diffNotebooks(withIds(), withIds());
  assert.deepEqual(d.summary, { added: 0, removed: 0, edited: 0, outputsOnly: 0, unchanged: 5 });
  assert.equal(d.metadataChanged, false);
  assert.equal(describeSummary(d.summary), 'no cell changes');
});

test('by id: added, removed, edited and moved cells', () => {
  const a = withIds();
  const b = clone(a);
  b.cells[1].source = 'df = load(cache=True)'; // edited
  b.cells.splice(2, 1); // describe removed
  b.cells.push(code('evaluate()', { id: 'eval' })); // added
  [b.cells[2], b.cells[3]] = [b.cells[3], b.cells[2]]; // fit moved above its heading
  const d = diffNotebooks(a, b);
  assert.deepEqual(ops(d.cells), ['unchanged a0 b0', 'edited a1 b1 [source]', 'removed a2', 'unchanged a4 b2', 'unchanged a3 b3', 'added b4']);
  assert.equal(describeSummary(d.summary), '1 edited, 1 added, 1 removed');
});

test('by id: a cell whose text was replaced entirely is still the same cell, edited', () => {
  const a = withIds();
  const b = clone(a);
  b.cells[4].source = 'completely different';
  assert.deepEqual(ops(diffNotebooks(a, b).cells).slice(-1), ['edited a4 b4 [source]']);
});

test('without ids: unchanged cells anchor, the cells between them pair up as edited', () => {
  const a = withoutIds(withIds());
  const b = clone(a);
  b.cells[1].source = 'df = load(cache=True)';
  b.cells.splice(3, 0, code('df.plot()')); // inserted before "# Model"
  const d = diffNotebooks(a, b);
  assert.deepEqual(ops(d.cells), ['unchanged a0 b0', 'edited a1 b1 [source]', 'unchanged a2 b2', 'added b3', 'unchanged a3 b4', 'unchanged a4 b5']);
});

test('without ids: a removed cell and a cell moved by a removal', () => {
  const a = withoutIds(withIds());
  const b = clone(a);
  b.cells.splice(0, 1);
  const d = diffNotebooks(a, b);
  assert.deepEqual(ops(d.cells), ['removed a0', 'unchanged a1 b0', 'unchanged a2 b1', 'unchanged a3 b2', 'unchanged a4 b3']);
});

test('without ids: cells of another kind are not paired with each other', () => {
  const a = notebook([code('a = 1'), markdown('old note'), code('b = 2')]);
  const b = notebook([code('a = 1'), code('new code'), code('b = 2')]);
  assert.deepEqual(ops(diffNotebooks(a, b).cells), ['unchanged a0 b0', 'removed a1', 'added b1', 'unchanged a2 b2']);
});

test('only ids on some cells: aligned by content', () => {
  const a = withIds();
  const b = clone(a);
  delete b.cells[0].id;
  b.cells[2].source = 'df.head()';
  assert.deepEqual(ops(diffNotebooks(a, b).cells).map((s) => s.split(' [')[0]), ['unchanged a0 b0', 'unchanged a1 b1', 'edited a2 b2', 'unchanged a3 b3', 'unchanged a4 b4']);
});

test('outputs alone do not make a cell edited; they are counted apart', () => {
  const a = withIds();
  const b = clone(a);
  b.cells[2].outputs = [stream('count 12\n'), image('AAAA')];
  b.cells[2].execution_count = 9;
  b.cells[4].execution_count = 3;
  const d = diffNotebooks(a, b);
  assert.deepEqual(ops(d.cells).filter((s) => s.includes('[')), ['unchanged a2 b2 [outputs]', 'unchanged a4 b4 [outputs]']);
  assert.equal(describeSummary(d.summary), '2 outputs changed');
});

test('attachments, metadata and cell type are edits, each named', () => {
  const a = notebook([markdown('![x](attachment:x.png)', { id: 'm', attachments: { 'x.png': { 'image/png': 'AAAA' } } }), code('x', { id: 'c' }), raw('r', { id: 'r' })]);
  const b = clone(a);
  b.cells[0].attachments = { 'x.png': { 'image/png': 'BBBB' } };
  b.cells[1].metadata = { tags: ['parameters'] };
  b.cells[2].cell_type = 'markdown';
  assert.deepEqual(ops(diffNotebooks(a, b).cells), ['edited a0 b0 [attachments]', 'edited a1 b1 [metadata]', 'edited a2 b2 [type,source]']);
});

test('display-only metadata is not an edit; notebook metadata changes are reported', () => {
  const a = withIds();
  const b = clone(a);
  b.cells[1].metadata = { collapsed: true, execution: { 'shell.execute_reply': 'x' } };
  b.metadata.kernelspec = { name: 'other', language: 'python', display_name: 'Other' };
  b.metadata.language_info = { name: 'python', version: '3.12' };
  const d = diffNotebooks(a, b);
  assert.equal(d.summary.edited, 0);
  assert.equal(d.metadataChanged, true);
  const c = clone(a);
  c.metadata.language_info = { name: 'python', version: '3.12' };
  assert.equal(diffNotebooks(a, c).metadataChanged, false);
});

test('signature diff (what the view uses) agrees with the full diff on edits, additions and removals', () => {
  const a = withIds();
  const b = clone(a);
  b.cells[1].source = 'df = load(cache=True)';
  b.cells.splice(2, 1);
  b.cells.push(code('evaluate()', { id: 'eval' }));
  b.cells[3].outputs = [stream('changed')];
  const full = diffNotebooks(a, b).summary;
  const sigs = diffSignatures(notebookFingerprint(a).cells, notebookFingerprint(b).cells);
  assert.deepEqual({ ...sigs, unchanged: 0, outputsOnly: 0 }, { ...full, unchanged: 0, outputsOnly: 0 });
  const noIds = diffSignatures(notebookFingerprint(withoutIds(a)).cells, notebookFingerprint(withoutIds(b)).cells);
  assert.deepEqual([noIds.added, noIds.removed, noIds.edited], [1, 1, 1]);
});

test('empty notebooks and large ones align', () => {
  assert.deepEqual(alignCells([], []), []);
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ kind: 'c' as const, text: `${prefix}${i}` }));
  assert.deepEqual(alignCells([], many(2, 'x')), [{ b: 0 }, { b: 1 }]);
  // 3,000 cells, every other one changed: still one pair per cell, in order.
  const a = many(3000, 'a');
  const b = a.map((c, i) => (i % 2 ? { ...c, text: `b${i}` } : c));
  const pairs = alignCells(a, b);
  assert.equal(pairs.length, 3000);
  assert.ok(pairs.every((p, i) => p.a === i && p.b === i));
});

test('summary wording', () => {
  assert.equal(describeSummary({ added: 2, removed: 0, edited: 1, outputsOnly: 1, unchanged: 3 }), '1 edited, 2 added, 1 output changed');
});
