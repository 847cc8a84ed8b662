// How the Checkpoints view reads a checkpoint: its change summary against the notebook now
// (from the cell signatures in its record, by id when every cell has a unique one, else by the
// full diff), when it was taken, what kind it is, and its size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffNotebooks, describeSummary } from '../../src/core/notebooks/cellDiff';
import type { CheckpointRecord } from '../../src/core/notebooks/checkpointRecord';
import { checkpointOrigin, checkpointTime, formatSize } from '../../src/core/notebooks/checkpointLabels';
import { CheckpointSummaries } from '../../src/core/notebooks/checkpointSummaries';
import { encodeCellSig, notebookFingerprint } from '../../src/core/notebooks/fingerprint';
import type { Notebook } from '../../src/core/notebooks/nbformat';
import { clone, code, markdown, notebook, stream } from '../fixtures/notebooks/build';

function record(nb: Notebook, extra: Partial<CheckpointRecord> = {}): CheckpointRecord {
  const f = notebookFingerprint(nb);
  return { t: 0, id: 'c', kind: 'auto', hash: 'h', size: 1, path: 'a.ipynb', content: f.content, cells: f.cells.map(encodeCellSig), ...extra };
}

function now(nb: Notebook): CheckpointSummaries {
  const s = new CheckpointSummaries();
  s.setCurrent(notebookFingerprint(nb).cells);
  return s;
}

function base(): Notebook {
  return notebook([markdown('# Data', { id: 'md' }), code('df = load()', { id: 'load' }), code('df.describe()', { id: 'describe', outputs: [stream('n 10\n')] }), code('fit(df)', { id: 'fit' })]);
}

function variants(b: Notebook): Notebook[] {
  const edited = clone(b);
  edited.cells[1].source = 'df = load(cache=True)';
  const grown = clone(b);
  grown.cells.push(code('plot(df)', { id: 'plot' }));
  const shrunk = clone(b);
  shrunk.cells.splice(2, 1);
  return [edited, grown, shrunk, clone(b)];
}

test('a summary says what changed since, as the full diff of the two notebooks counts it', () => {
  const current = base();
  const summaries = now(current);
  for (const old of variants(current)) {
    const expected = describeSummary(diffNotebooks(old, current).summary);
    assert.equal(summaries.summary(record(old)), expected === 'no cell changes' ? 'same cells as now' : `${expected} since`);
  }
  assert.equal(summaries.summary(record(variants(current)[0])), '1 edited since');
  // Signatures hold each cell's kind and source: outputs alone changing reads as the same cells.
  const outputs = clone(current);
  outputs.cells[2].outputs = [stream('n 11\n')];
  assert.equal(summaries.summary(record(outputs)), 'same cells as now');
});

test('without ids, or with an id twice, the summary comes from the full diff and agrees with it', () => {
  const strip = (nb: Notebook): Notebook => {
    const x = clone(nb);
    for (const c of x.cells) delete c.id;
    x.nbformat_minor = 4;
    return x;
  };
  const current = strip(base());
  const summaries = now(current);
  for (const old of variants(base()).map(strip)) {
    const expected = describeSummary(diffNotebooks(old, current).summary);
    assert.equal(summaries.summary(record(old)), expected === 'no cell changes' ? 'same cells as now' : `${expected} since`);
  }
  // A checkpoint holding one id twice (a copied cell) against a notebook with unique ids.
  const twice = clone(base());
  twice.cells.push(clone(base()).cells[3]);
  const withIds = now(base());
  const expected = describeSummary(diffNotebooks(twice, base()).summary);
  assert.equal(withIds.summary(record(twice, { content: 'twice' })), `${expected} since`);
});

test('the notebook changing makes every summary new; checkpoints with one content share one answer', () => {
  const b = base();
  const s = now(b);
  const old = record(b);
  assert.equal(s.summary(old), 'same cells as now');
  assert.equal(s.summary({ ...old, id: 'other' }), 'same cells as now');
  const later = clone(b);
  later.cells.push(code('save(model)', { id: 'save' }));
  s.setCurrent(notebookFingerprint(later).cells);
  assert.equal(s.summary(old), '1 added since');
});

test('a record without a fingerprint has no summary; a malformed cell falls back to the full diff', () => {
  const s = now(base());
  assert.equal(s.summary({ ...record(base()), content: undefined, cells: undefined, unreadable: 'not valid JSON' }), 'no cell summary');
  const r = record(base(), { content: 'odd' });
  r.cells = [...r.cells!, 'not a signature'];
  assert.equal(s.summary(r), 'same cells as now'); // the bad entry is dropped, the rest match
});

test('times read as today, yesterday, this year or with the year (local time)', () => {
  const ref = new Date(2026, 5, 15, 14, 30, 0).getTime();
  assert.equal(checkpointTime(new Date(2026, 5, 15, 9, 5, 7).getTime(), ref), '09:05:07');
  assert.equal(checkpointTime(new Date(2026, 5, 14, 23, 59).getTime(), ref), 'Yesterday 23:59');
  assert.equal(checkpointTime(new Date(2026, 0, 3, 8, 0).getTime(), ref), 'Jan 3, 08:00');
  assert.equal(checkpointTime(new Date(2025, 11, 31, 18, 4).getTime(), ref), '2025-12-31 18:04');
  assert.equal(checkpointTime(new Date(2026, 5, 16, 0, 0, 1).getTime(), ref), 'Jun 16, 00:00'); // a clock ahead
});

test('the kind of a checkpoint in words, and its size', () => {
  const r = record(base());
  assert.equal(checkpointOrigin({ ...r, kind: 'auto' }), 'saved');
  assert.equal(checkpointOrigin({ ...r, kind: 'manual' }), 'manual');
  assert.equal(checkpointOrigin({ ...r, kind: 'run', run: '20260101-000000-abcdef' }), 'run 20260101-000000-abcdef');
  assert.equal(checkpointOrigin({ ...r, kind: 'run', run: '20260101-000000-abcdef' }, 'train-3fa2c1'), 'run train-3fa2c1');
  assert.equal(checkpointOrigin({ ...r, kind: 'run' }), 'run');
  assert.equal(checkpointOrigin({ ...r, kind: 'pre-restore', restore: 'x' }), 'before restore');
  assert.deepEqual([0, 1023, 1024, 831_488, 5_033_164, 10 * 1024 * 1024, 123_456_789].map(formatSize), ['0 B', '1023 B', '1 KB', '812 KB', '4.8 MB', '10 MB', '118 MB']);
});
