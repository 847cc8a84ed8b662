// A whole run exported to an archive and imported into another workspace comes back equal:
// the same run folder bytes, the same blobs, the same index rows after ingest.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { putBytes } from '../../src/core/blobs';
import { exportRunArchive, hashesNamedBy } from '../../src/core/export/runArchive';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { blobPath } from '../../src/core/blobs';
import { openIndex } from '../../src/core/store';
import { dumpIndex } from './indexDump';
import { append, makeRun, metricsLine, tempRoot, type TempRoot } from './runFolders';

const A = '20250101-120000-aaaaaa';
const B = '20250102-120000-bbbbbb';
const LONG = `files/${'deeply/nested/'.repeat(8)}notebook with a long name ü.ipynb`;

/** Two runs with blobs of every kind, a long file name, and a dataset (hashed, not stored). */
async function workspace(): Promise<TempRoot> {
  const tmp = tempRoot('trackside-archive-');
  const model = await putBytes(tmp.root, 'MODEL WEIGHTS');
  const w1 = await putBytes(tmp.root, 'layer 1');
  const w2 = await putBytes(tmp.root, 'layer 2');
  const img = await putBytes(tmp.root, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  const code = await putBytes(tmp.root, 'print("train")\n');
  const diff = await putBytes(tmp.root, 'diff --git a b\n');
  const a = makeRun(tmp.root, A, Date.UTC(2025, 0, 1, 12));
  const t = Date.UTC(2025, 0, 1, 12);
  append(
    a,
    { t, type: 'run', name: 'exported', experiment: 'e', params: { lr: 0.1, layers: [1, 2] }, tags: ['keep'], git: { commit: 'c0ffee', diff: diff.hash } },
    metricsLine(t + 1, 0, { loss: 1, acc: Number.NaN }, 0),
    metricsLine(t + 2, 1, { loss: Infinity, acc: 0.5 }, 0.5),
    { t: t + 3, type: 'artifact', name: 'model', kind: 'model', hash: model.hash, size: model.size },
    { t: t + 4, type: 'artifact', name: 'weights', kind: 'model', hash: 'f'.repeat(64), size: 14, files: [{ path: 'a', hash: w1.hash, size: w1.size }, { path: 'b', hash: w2.hash, size: w2.size }] },
    { t: t + 5, type: 'image', key: 'roc', step: 0, hash: img.hash, format: 'png', size: img.size },
    { t: t + 6, type: 'code', files: [{ path: 'train.py', hash: code.hash, size: code.size }] },
    { t: t + 7, type: 'dataset', name: 'data', path: 'data.csv', hash: 'd'.repeat(64), size: 3, files: [{ path: 'data.csv', hash: 'd'.repeat(64), size: 3 }] },
    { t: t + 8, type: 'sys', values: { cpu: 50 } },
    { t: t + 9, type: 'note', text: 'hello' },
    'a bad line\n',
    { t: t + 10, type: 'status', status: 'finished', exit_code: 0 },
  );
  writeFileSync(join(tmp.root, 'runs', A, 'files', 'output.log'), 'line 1\nline 2\n');
  mkdirSync(join(tmp.root, 'runs', A, LONG, '..'), { recursive: true });
  writeFileSync(join(tmp.root, 'runs', A, LONG), '{"cells": []}');
  append(makeRun(tmp.root, B), { t: t + 86_400_000, type: 'run', name: 'other' }, metricsLine(t + 86_400_001, 0, { loss: 3 }));
  return tmp;
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

function index(root: string): Record<string, unknown[]> {
  const store = openIndex(root);
  try {
    ingestAll(store);
    return dumpIndex(store);
  } finally {
    store.close();
  }
}

test('the blobs a run names: files, images, artifacts, code and the diff, not datasets or folder manifests', async () => {
  const tmp = await workspace();
  try {
    const named = hashesNamedBy(readFileSync(join(tmp.root, 'runs', A, 'events.jsonl'), 'utf8'));
    assert.equal(named.size, 6);
    assert.ok(!named.has('d'.repeat(64)) && !named.has('f'.repeat(64)));
  } finally {
    tmp.cleanup();
  }
});

for (const name of ['run.tar', 'run.tar.gz']) {
  test(`export → import round trip (${name}): same folder, same blobs, same index; again adds nothing`, async () => {
    const from = await workspace();
    const to = tempRoot('trackside-archive-to-');
    try {
      const file = join(from.workspace, name);
      const progress: number[] = [];
      const report = await exportRunArchive(from.root, [A], file, { onProgress: (p) => progress.push(p.bytes) });
      assert.deepEqual(report.runs, [A]);
      assert.equal(report.blobs, 6);
      assert.deepEqual(report.missingBlobs, []);
      assert.ok(progress.length > 0 && progress[progress.length - 1] === report.bytes);
      // Standard tar reads it too.
      const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n');
      assert.ok(listing.includes(`runs/${A}/${LONG}`), 'long name kept through a pax header');
      assert.ok(listing.includes('trackside-archive.json'));

      const imported = await importPaths(to.root, [file]);
      assert.deepEqual(imported.errors, []);
      assert.deepEqual(imported.imported.map((r) => [r.id, r.name, r.format]), [[A, 'exported', 'archive']]);
      // The same folder, marked as imported (its command is another machine's).
      const { 'imported.json': mark, ...restored } = files(join(to.root, 'runs', A));
      assert.deepEqual(restored, files(join(from.root, 'runs', A)));
      assert.equal((JSON.parse(Buffer.from(mark, 'base64').toString('utf8')) as { from: string }).from, `archive ${name}`);
      for (const hash of hashesNamedBy(readFileSync(join(from.root, 'runs', A, 'events.jsonl'), 'utf8'))) {
        assert.deepEqual(readFileSync(blobPath(to.root, hash)), readFileSync(blobPath(from.root, hash)));
      }
      const fromIndex = index(from.root);
      const toIndex = index(to.root);
      for (const table of Object.keys(fromIndex)) {
        const only = (rows: unknown[]): unknown[] => rows.filter((r) => (r as { run?: string; id?: string }).run === A || (r as { id?: string }).id === A);
        const unmarked = (rows: unknown[]): unknown[] => rows.map((r) => ({ ...(r as object), imported: undefined }));
        assert.deepEqual(unmarked(only(toIndex[table])), unmarked(only(fromIndex[table])), table);
      }
      assert.equal((fromIndex.runs as { id: string }[]).filter((r) => r.id === A).length, 1);
      assert.equal((toIndex.points as { run: string }[]).filter((p) => p.run === A).length, 5);
      const again = await importPaths(to.root, [file]);
      assert.deepEqual(again.imported, []);
      assert.deepEqual(again.alreadyPresent.map((p) => p.id), [A]);
      assert.deepEqual(readdirSync(join(to.root, 'runs')), [A]);
    } finally {
      from.cleanup();
      to.cleanup();
    }
  });
}

test('several runs in one archive; missing blobs are reported, not fatal; an unknown run is an error', async () => {
  const from = await workspace();
  const to = tempRoot('trackside-archive-to-');
  try {
    const gone = readFileSync(join(from.root, 'runs', A, 'events.jsonl'), 'utf8').match(/"hash":"([0-9a-f]{64})","format"/)?.[1] as string;
    rmSync(blobPath(from.root, gone));
    const file = join(from.workspace, 'both.tgz');
    const report = await exportRunArchive(from.root, [A, B], file);
    assert.deepEqual(report.runs, [A, B]);
    assert.deepEqual(report.missingBlobs, [gone]);
    const imported = await importPaths(to.root, [file]);
    assert.deepEqual(imported.imported.map((r) => r.id).sort(), [A, B]);
    await assert.rejects(exportRunArchive(from.root, ['20990101-000000-nonono'], join(from.workspace, 'x.tar')), /No run folder/);
    assert.equal(statSync(join(from.workspace, 'x.tar'), { throwIfNoEntry: false }), undefined);
  } finally {
    from.cleanup();
    to.cleanup();
  }
});
