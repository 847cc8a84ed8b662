// Imports that lose nothing and stay in sync: every value at a repeated step, a log imported
// while it grows (again and again, without duplicates, and without reading what did not
// change), cut files reported, an import killed halfway undone, and leftover staging folders.
import { strict as assert } from 'node:assert';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadState, saveState } from '../../src/core/import/importState';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { rebuild } from '../../src/core/rebuild';
import { getRun, listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { event, eventFileName, tfRecord } from '../fixtures/import/tensorboard';
import { tempRoot, type TempRoot } from './runFolders';

const W = 1_750_000_000;
const OLD = W + 10_000; // an mtime long past (seconds)

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-sync-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

/** Records of `tag` at steps [from, to): one value per step, value = step / 10. */
function records(from: number, to: number, tag = 'loss'): Buffer {
  const out: Buffer[] = [];
  for (let s = from; s < to; s++) out.push(tfRecord(event(W + s, s, [{ tag, simple: s / 10 }])));
  return Buffer.concat(out);
}

function age(file: string, seconds = OLD): void {
  utimesSync(file, seconds, seconds);
}

function only(store: Store): string {
  const runs = listRuns(store, {});
  assert.equal(runs.length, 1);
  return runs[0].id;
}

test('TensorBoard: several values at one step (per-batch losses at global_step=epoch) are all kept, in logged order', () =>
  withWorkspace(async (tmp, store) => {
    const dir = join(tmp.workspace, 'logs', 'yolo');
    mkdirSync(dir, { recursive: true });
    const written: [number, number][] = [];
    const recs: Buffer[] = [tfRecord(event(W, 0, [], 'brain.Event:2'))];
    for (let epoch = 0; epoch < 5; epoch++) {
      for (let batch = 0; batch < 10; batch++) {
        const v = Math.fround(epoch + batch / 100);
        written.push([epoch, v]);
        recs.push(tfRecord(event(W + epoch + batch / 1000, epoch, [{ tag: 'train/box_loss', simple: v }])));
      }
      recs.push(tfRecord(event(W + epoch + 0.5, epoch, [{ tag: 'val/map', simple: epoch / 5 }])));
    }
    const file = join(dir, eventFileName(W));
    writeFileSync(file, Buffer.concat(recs));
    const report = await importPaths(tmp.root, [join(tmp.workspace, 'logs')], { recentMs: 0 });
    assert.deepEqual([report.errors, report.warnings], [[], []]);
    assert.equal(report.points, 55);
    ingestAll(store);
    const id = only(store);
    const p = points(store, id, 'train/box_loss');
    assert.deepEqual([...p.steps].map((s, i) => [s, p.values[i]]), written);
    assert.equal(getRun(store, id)?.metrics.find((m) => m.key === 'train/box_loss')?.count, 50);
  }));

test('a growing TensorBoard log imported again brings in only what was added; unchanged, nothing is read; a rebuild gives the same', () =>
  withWorkspace(async (tmp, store) => {
    const dir = join(tmp.workspace, 'logs', 'run');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, eventFileName(W));
    writeFileSync(file, records(0, 30));
    age(file);
    const first = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    assert.equal(first.imported.length, 1);
    assert.equal(first.points, 30);
    ingestAll(store);
    const id = only(store);
    assert.equal(getRun(store, id)?.status, 'finished');

    appendFileSync(file, records(30, 50));
    age(file, OLD + 60);
    const second = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    assert.deepEqual(second.imported, []);
    assert.deepEqual(second.updated.map((u) => [u.id, u.points]), [[id, 20]]);
    assert.equal(second.points, 20);
    ingestAll(store);
    const p = points(store, id, 'loss');
    assert.deepEqual([...p.steps], Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual([...p.values], Array.from({ length: 50 }, (_, i) => Math.fround(i / 10)));
    assert.equal(getRun(store, id)?.ended, (W + 49) * 1000);

    // Unchanged (same size and mtime): the file is not read at all, so garbage in it goes unnoticed.
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.alloc(bytes.length, 0xab));
    age(file, OLD + 60);
    const third = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    assert.deepEqual([third.imported, third.updated, third.errors, third.warnings], [[], [], [], []]);
    assert.deepEqual(third.alreadyPresent.map((a) => a.id), [id]);
    writeFileSync(file, bytes);

    const before = [...points(store, id, 'loss').values];
    store.close();
    rebuild(tmp.root);
    const again = openIndex(tmp.root);
    try {
      assert.deepEqual([...points(again, id, 'loss').values], before);
    } finally {
      again.close();
    }
  }));

test('a log still being written: its run is running and its half-written record waits; once it stops changing, finished', () =>
  withWorkspace(async (tmp, store) => {
    const dir = join(tmp.workspace, 'logs', 'live');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, eventFileName(W));
    let clock = (OLD + 1) * 1000;
    const opts = { now: () => clock };
    writeFileSync(file, records(0, 10));
    age(file, OLD);
    const first = await importPaths(tmp.root, [join(tmp.workspace, 'logs')], opts);
    assert.deepEqual(first.warnings, []);
    ingestAll(store);
    const id = only(store);
    assert.equal(getRun(store, id)?.status, 'running');

    const next = records(10, 20);
    appendFileSync(file, next.subarray(0, next.length - 7)); // the last record is half written
    age(file, OLD + 5);
    clock = (OLD + 6) * 1000;
    const second = await importPaths(tmp.root, [join(tmp.workspace, 'logs')], opts);
    assert.deepEqual([second.warnings, second.errors], [[], []]);
    assert.deepEqual(second.updated.map((u) => u.points), [9]);

    appendFileSync(file, next.subarray(next.length - 7));
    age(file, OLD + 8);
    clock = (OLD + 600) * 1000;
    const third = await importPaths(tmp.root, [join(tmp.workspace, 'logs')], opts);
    assert.deepEqual([third.warnings, third.errors], [[], []]);
    assert.deepEqual(third.updated.map((u) => u.points), [1]);
    ingestAll(store);
    assert.equal(getRun(store, id)?.status, 'finished');
    assert.deepEqual([...points(store, id, 'loss').steps], Array.from({ length: 20 }, (_, i) => i));
  }));

test('a file cut short (100 bytes, or half of it) is reported with its path; what precedes the cut is imported', () =>
  withWorkspace(async (tmp, store) => {
    const logs = join(tmp.workspace, 'logs');
    const cut100 = join(logs, 'a', eventFileName(W, 1));
    const half = join(logs, 'b', eventFileName(W, 2));
    for (const f of [cut100, half]) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, records(0, 40));
    }
    const size = statSync(cut100).size;
    const perRecord = size / 40;
    truncateSync(cut100, size - 100);
    // Half, plus a few bytes: a cut exactly between two records cannot be told from a whole file.
    truncateSync(half, Math.floor(size / 2) + 5);
    for (const f of [cut100, half]) age(f);
    const report = await importPaths(tmp.root, [logs]);
    assert.deepEqual(report.warnings.map((w) => w.path), [cut100, half]);
    for (const w of report.warnings) assert.match(w.message, /^ends in an incomplete record: the last \d+ bytes \(from byte \d+\) are cut off and were not imported$/);
    ingestAll(store);
    const counts = listRuns(store, { order: { by: 'name' } }).map((r) => points(store, r.id, 'loss').steps.length);
    assert.deepEqual(counts, [Math.floor((size - 100) / perRecord), Math.floor((Math.floor(size / 2) + 5) / perRecord)]);
  }));

test('an import killed while appending leaves nothing doubled: the next one cuts the half-written lines and appends again', () =>
  withWorkspace(async (tmp, store) => {
    const dir = join(tmp.workspace, 'logs', 'run');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, eventFileName(W));
    writeFileSync(file, records(0, 10));
    age(file);
    const first = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    const id = first.imported[0].id;
    const origin = first.imported[0].origin;
    appendFileSync(file, records(10, 15));
    age(file, OLD + 1);
    // What a killed import leaves: the pending mark, and part of its lines.
    const state = loadState(tmp.root, origin);
    assert.ok(state);
    const log = join(tmp.root, 'runs', id, 'events.jsonl');
    state.pending = statSync(log).size;
    saveState(tmp.root, state);
    const fd = openSync(log, 'a');
    writeSync(fd, '{"t":1750000010000,"type":"metrics","step":10,"values":{"loss":1}}\n{"t":17500');
    closeSync(fd);
    const again = await importPaths(tmp.root, [join(tmp.workspace, 'logs')]);
    assert.deepEqual(again.updated.map((u) => u.points), [5]);
    const report = ingestAll(store);
    assert.equal(report.badTotal, 0);
    assert.deepEqual([...points(store, id, 'loss').steps], Array.from({ length: 15 }, (_, i) => i));
  }));

test('staging folders left by a killed import are removed; one of a running import is not', () =>
  withWorkspace(async (tmp) => {
    const runs = join(tmp.root, 'runs');
    const dead = join(runs, '.import-999999999-abcdef012345');
    const live = join(runs, `.import-${process.pid}-0123456789ab`);
    mkdirSync(join(dead, 'files'), { recursive: true });
    mkdirSync(live);
    writeFileSync(join(dead, 'events.jsonl'), 'x');
    const logs = join(tmp.workspace, 'logs', 'a');
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, eventFileName(W)), records(0, 2));
    await importPaths(tmp.root, [join(tmp.workspace, 'logs')], { recentMs: 0 });
    assert.deepEqual(readdirSync(runs).filter((n) => n.startsWith('.')), [`.import-${process.pid}-0123456789ab`]);
  }));
