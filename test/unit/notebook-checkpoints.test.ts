// The checkpoint store: records in files, content in blobs (stored once), skipping what did
// not change, retention, deletion, and reading checkpoints back for a restore.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { blobPath } from '../../src/core/blobs';
import { CheckpointStore } from '../../src/core/notebooks/checkpointStore';
import { parseCheckpointLine, type CheckpointRecord } from '../../src/core/notebooks/checkpointRecord';
import { notebookKey } from '../../src/core/notebooks/notebookKey';
import { CheckpointUnreadableError, planRestore, readCheckpoint } from '../../src/core/notebooks/readCheckpoint';
import { retentionVictims } from '../../src/core/notebooks/retention';
import { bigNotebook, cleanupTempDirs, clone, code, markdown, notebook, serialize, stream, tempDir, writeNotebook } from '../fixtures/notebooks/build';

after(cleanupTempDirs);

function setup(): { ws: string; root: string; store: CheckpointStore; file: string } {
  const ws = tempDir('ts-cp-');
  const root = join(ws, '.trackside');
  const file = writeNotebook(ws, 'explore.ipynb', notebook([markdown('# Explore', { id: 'a' }), code('x = 1', { id: 'b' })]));
  return { ws, root, store: new CheckpointStore(root), file };
}

function blobCount(root: string): number {
  try {
    return readdirSync(join(root, 'blobs', 'sha256'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

const edit = (file: string, source: string): void => {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  nb.cells[1].source = [source];
  writeFileSync(file, serialize(nb));
};

test('a checkpoint records the file as a blob, with its fingerprint, in checkpoints.jsonl', async () => {
  const { root, store, file } = setup();
  const { added } = await store.add('explore.ipynb', file, { kind: 'manual', label: 'baseline' });
  assert.ok(added);
  assert.equal(added.kind, 'manual');
  assert.equal(added.label, 'baseline');
  assert.equal(added.path, 'explore.ipynb');
  assert.deepEqual(readFileSync(blobPath(root, added.hash)), readFileSync(file));
  assert.equal(added.cells?.length, 2);
  assert.match(added.cells![0], /^m[0-9a-f]{8}:a$/);
  const lines = readFileSync(join(root, 'checkpoints', notebookKey('explore.ipynb'), 'checkpoints.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 1);
  assert.deepEqual(parseCheckpointLine(lines[0]), added);
  // A new store (say, after the index was rebuilt or in another window) reads the same.
  assert.deepEqual(new CheckpointStore(root).list('explore.ipynb'), [added]);
});

test('checkpoints list newest first; identical content is stored once', async () => {
  const { root, store, file } = setup();
  const first = (await store.add('explore.ipynb', file, { kind: 'auto' })).added!;
  const second = (await store.add('explore.ipynb', file, { kind: 'manual', label: 'same content, labelled' })).added!;
  edit(file, 'x = 2');
  const third = (await store.add('explore.ipynb', file, { kind: 'auto' })).added!;
  assert.deepEqual(store.list('explore.ipynb').map((r) => r.id), [third.id, second.id, first.id]);
  assert.equal(first.hash, second.hash);
  assert.equal(blobCount(root), 2);
});

test('automatic checkpoints skip saves that changed nothing, and (by setting) outputs-only changes', async () => {
  const { store, file } = setup();
  const auto = { kind: 'auto' as const, skipUnchanged: true };
  assert.ok((await store.add('explore.ipynb', file, auto)).added);
  const same = await store.add('explore.ipynb', file, auto);
  assert.equal(same.skipped, 'identical');
  // New outputs and execution count, same cells: an outputs-only change.
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  nb.cells[1].outputs = [stream('1\n')];
  nb.cells[1].execution_count = 1;
  writeFileSync(file, serialize(nb));
  const outputsOnly = await store.add('explore.ipynb', file, { ...auto, countOutputOnly: false });
  assert.equal(outputsOnly.skipped, 'outputs-only');
  assert.ok((await store.add('explore.ipynb', file, { ...auto, countOutputOnly: true })).added);
  edit(file, 'x = 3');
  assert.ok((await store.add('explore.ipynb', file, { ...auto, countOutputOnly: false })).added);
  assert.equal(store.list('explore.ipynb').length, 3);
});

test('retention keeps the newest automatic checkpoints and every labelled, manual, run-linked and pre-restore one', async () => {
  const { store, file } = setup();
  const keep = { kind: 'auto' as const, keepAutomatic: 3 };
  const kept: string[] = [];
  for (let i = 0; i < 8; i++) {
    edit(file, `x = ${i}`);
    const extra = i === 1 ? { kind: 'manual' as const } : i === 2 ? { kind: 'run' as const, run: '20240603-081500-3fa2c1' } : i === 3 ? { kind: 'pre-restore' as const } : i === 4 ? { kind: 'manual' as const, label: 'good' } : {};
    const r = (await store.add('explore.ipynb', file, { ...keep, ...extra })).added!;
    if (i === 1 || i === 2 || i === 3 || i === 4 || i >= 5) kept.push(r.id);
  }
  assert.deepEqual(store.list('explore.ipynb').map((r) => r.id).sort(), kept.sort());
  assert.equal(store.list('explore.ipynb').filter((r) => r.kind === 'auto').length, 3);
  assert.deepEqual(retentionVictims([], 5), []);
});

test('deleting removes checkpoints from the record; a later compaction keeps what is live', async () => {
  const { root, store, file } = setup();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    edit(file, `x = ${i}`);
    ids.push((await store.add('explore.ipynb', file, { kind: 'manual' })).added!.id);
  }
  await store.remove('explore.ipynb', [ids[1], ids[3]]);
  assert.deepEqual(store.list('explore.ipynb').map((r) => r.id), [ids[4], ids[2], ids[0]]);
  const log = join(root, 'checkpoints', notebookKey('explore.ipynb'), 'checkpoints.jsonl');
  const future = '{"t":1,"id":"from-a-newer-version","kind":"branch"}';
  appendFileSync(log, future + '\n');
  // Many automatic checkpoints pruned by retention: the file is compacted along the way.
  for (let i = 0; i < 150; i++) {
    edit(file, `y = ${i}`);
    await store.add('explore.ipynb', file, { kind: 'auto', keepAutomatic: 2 });
  }
  const live = store.list('explore.ipynb');
  assert.equal(live.length, 5);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.ok(lines.length < 150, `compacted: ${lines.length} lines`);
  assert.ok(lines.includes(future), 'a line it does not understand is kept');
  assert.deepEqual(new CheckpointStore(root).list('explore.ipynb'), live);
});

test('bad lines and a torn last line are skipped', async () => {
  const { root, store, file } = setup();
  const first = (await store.add('explore.ipynb', file, { kind: 'manual' })).added!;
  const log = join(root, 'checkpoints', notebookKey('explore.ipynb'), 'checkpoints.jsonl');
  appendFileSync(log, 'not json\n{"t":1,"id":"x","kind":"future-kind","hash":"00","size":1,"path":"p"}\n{"t":2,"id":"lx-abcdef","kind":"auto"');
  assert.deepEqual(store.list('explore.ipynb'), [first]);
  assert.equal(store.badLines('explore.ipynb'), 2);
  appendFileSync(log, ',"hash":"oops"}\n'); // the torn line completes into another bad line
  assert.equal(store.badLines('explore.ipynb'), 3);
});

test('checkpoints of different notebooks are kept apart, by path', async () => {
  const { ws, store, file } = setup();
  const other = writeNotebook(ws, 'other.ipynb', notebook([code('y = 1')]));
  await store.add('explore.ipynb', file, { kind: 'manual' });
  await store.add('nested/explore.ipynb', other, { kind: 'manual' });
  assert.equal(store.list('explore.ipynb').length, 1);
  assert.equal(store.list('nested/explore.ipynb').length, 1);
  assert.notEqual(notebookKey('explore.ipynb'), notebookKey('nested/explore.ipynb'));
  assert.match(notebookKey('analysis/My Notebook (v2).ipynb'), /^My_Notebook_v2_-[0-9a-f]{12}$/);
});

test('concurrent checkpoints of one notebook are all recorded', async () => {
  const { store, file } = setup();
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.add('explore.ipynb', file, { kind: 'manual', label: `l${i}` })));
  assert.equal(results.filter((r) => r.added).length, 10);
  assert.equal(new Set(store.list('explore.ipynb').map((r) => r.t)).size, 10);
});

test('a notebook too large to parse is stored (streamed) without a fingerprint; a damaged one too', async () => {
  const { ws, root } = setup();
  const store = new CheckpointStore(root, 1024 * 1024);
  const big = writeNotebook(ws, 'big.ipynb', bigNotebook(3 * 1024 * 1024, 20));
  const r = (await store.add('big.ipynb', big, { kind: 'auto', skipUnchanged: true })).added!;
  assert.equal(r.size, statSync(big).size);
  assert.equal(r.content, undefined);
  assert.match(r.unreadable!, /^big\.ipynb is \d\.\d MB, larger than the 1\.0 MB Trackside reads as a notebook/);
  assert.equal(statSync(blobPath(root, r.hash)).size, r.size);
  assert.equal((await store.add('big.ipynb', big, { kind: 'auto', skipUnchanged: true })).skipped, 'identical');
  const broken = writeNotebook(ws, 'broken.ipynb', '{"cells": [');
  const b = (await store.add('broken.ipynb', broken, { kind: 'manual' })).added!;
  assert.match(b.unreadable!, /not valid JSON/);
});

test('reading a checkpoint back: its notebook, or a clear error when the blob is missing or damaged', async () => {
  const { root, store, file } = setup();
  const r = (await store.add('explore.ipynb', file, { kind: 'manual' })).added!;
  const back = await readCheckpoint(root, r);
  assert.equal(back.notebook.cells.length, 2);
  writeFileSync(blobPath(root, r.hash), 'tampered');
  await assert.rejects(readCheckpoint(root, r), (e: unknown) => e instanceof CheckpointUnreadableError && /damaged/.test(e.message));
  const missing: CheckpointRecord = { ...r, hash: 'f'.repeat(64) };
  await assert.rejects(readCheckpoint(root, missing), /missing from the blob store/);
});

test('planRestore reads the checkpoint and says what restoring it changes in the file', async () => {
  const { root, store, file } = setup();
  const r = (await store.add('explore.ipynb', file, { kind: 'manual' })).added!;
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  nb.cells[1].source = ['x = 42'];
  nb.cells.push(code('print(x)', { id: 'c' }));
  writeFileSync(file, serialize(nb));
  const plan = await planRestore(root, r, file);
  assert.deepEqual(plan.changes, { added: 0, removed: 1, edited: 1, outputsOnly: 0, unchanged: 1 });
  assert.equal(plan.sameContent, false);
  assert.deepEqual(plan.bytes, readFileSync(blobPath(root, r.hash)));
  writeFileSync(file, 'no longer a notebook');
  assert.equal((await planRestore(root, r, file)).changes, undefined);
});

test('listing 1,000 checkpoints of one notebook reads them all, newest first', async () => {
  const { root, store, file } = setup();
  const dir = store.dir('explore.ipynb');
  const first = (await store.add('explore.ipynb', file, { kind: 'manual' })).added!;
  const lines: string[] = [];
  for (let i = 1; i < 1000; i++) lines.push(JSON.stringify({ ...clone(first), t: first.t + i, id: `${(first.t + i).toString(36)}-${String(i).padStart(6, '0')}` }));
  appendFileSync(join(dir, 'checkpoints.jsonl'), lines.join('\n') + '\n');
  const list = new CheckpointStore(root).list('explore.ipynb');
  assert.equal(list.length, 1000);
  assert.ok(list.every((r, i) => i === 0 || list[i - 1].t > r.t));
});
