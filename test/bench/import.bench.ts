// TensorBoard import speed: an event file of 1M scalar points (4 tags, one value per event, as
// TF2 writes them) read into a run folder, and then also ingested, in a fresh workspace; both
// against a bare batched better-sqlite3 insert of the same points into the index's points table.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { event, eventFileName, tf2Scalar, writeEventFile } from '../fixtures/import/tensorboard';
import { figure, median, type Figure } from './report';

const STEPS = 250_000;
const TAGS = ['train/loss', 'train/acc', 'val/loss', 'lr'];
const ROUNDS = 3;
const W = 1_750_000_000;

function writeLogs(dir: string): number {
  mkdirSync(join(dir, 'run'), { recursive: true });
  const records: Buffer[] = [event(W, 0, [], 'brain.Event:2')];
  for (let step = 0; step < STEPS; step++) {
    TAGS.forEach((tag, i) => records.push(event(W + step * 0.01 + i * 0.0001, step, [tf2Scalar(tag, Math.exp(-step / 50_000) + i, step === 0)])));
  }
  writeEventFile(join(dir, 'run', eventFileName(W)), records);
  return STEPS * TAGS.length;
}

async function timeImport(logs: string): Promise<{ importMs: number; totalMs: number; points: number }> {
  const ws = mkdtempSync(join(tmpdir(), 'trackside-bench-import-'));
  try {
    const root = join(ws, '.trackside');
    mkdirSync(root, { recursive: true });
    const store = openIndex(root);
    const start = performance.now();
    const report = await importPaths(root, [logs]);
    const imported = performance.now();
    const ingested = ingestAll(store);
    const end = performance.now();
    store.close();
    if (report.errors.length || ingested.points !== report.points) throw new Error(`import went wrong: ${JSON.stringify(report.errors)}`);
    return { importMs: imported - start, totalMs: end - start, points: ingested.points };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

function timeBareInsert(n: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-bare-'));
  try {
    const store = openIndex(dir);
    const insert = store.engine.prepare('INSERT INTO points (rid, kid, step, seq, value, t, epoch) VALUES (?, ?, ?, 0, ?, ?, ?)');
    const batch = (from: number, to: number): void =>
      store.transaction(() => {
        for (let i = from; i < to; i++) insert.run(1, (i % TAGS.length) + 1, Math.floor(i / TAGS.length), Math.exp(-i / 200_000), W * 1000 + i, null);
      });
    const start = performance.now();
    for (let i = 0; i < n; i += 200_000) batch(i, Math.min(n, i + 200_000));
    const ms = performance.now() - start;
    store.close();
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const logs = mkdtempSync(join(tmpdir(), 'trackside-bench-tb-'));
  try {
    const n = writeLogs(logs);
    const read: number[] = [];
    const total: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = await timeImport(logs);
      read.push(r.points / (r.importMs / 1000));
      total.push(r.points / (r.totalMs / 1000));
      bare.push(n / (timeBareInsert(n) / 1000));
    }
    return [
      figure(`TensorBoard import to a run folder (${n} points, 4 tags)`, median(read), 'points/s', median(bare), '>= 200000 points/s', (v) => v >= 200_000),
      figure(`TensorBoard import + ingest (${n} points, 4 tags)`, median(total), 'points/s', median(bare), '>= 400000 points/s', (v) => v >= 400_000),
    ];
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
}
