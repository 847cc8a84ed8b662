// Notebook checkpoints: a checkpoint of a 5 MB notebook on save (baseline: copying the
// file), the core part of a restore (baseline: reading and JSON.parse of the file), and
// what the view does to list 1,000 checkpoints of one notebook (baseline: JSON.parse of
// every line of the same record file).
import { copyFile, readFile } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkpointOrigin, checkpointTime } from '../../src/core/notebooks/checkpointLabels';
import { CheckpointStore } from '../../src/core/notebooks/checkpointStore';
import { CheckpointSummaries } from '../../src/core/notebooks/checkpointSummaries';
import { notebookFingerprint } from '../../src/core/notebooks/fingerprint';
import { planRestore } from '../../src/core/notebooks/readCheckpoint';
import { bigNotebook, serialize } from '../fixtures/notebooks/build';
import { figure, median } from './report';
import type { Figure } from './report';

const MB = 1024 * 1024;

export async function run(): Promise<Figure[]> {
  const ws = mkdtempSync(join(tmpdir(), 'ts-bench-nb-'));
  try {
    return [...(await saveAndRestore(ws)), await listing(ws)];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

async function saveAndRestore(ws: string): Promise<Figure[]> {
  const root = join(ws, '.trackside');
  const store = new CheckpointStore(root);
  const file = join(ws, 'big.ipynb');
  const nb = bigNotebook(5 * MB, 80);
  const save = (i: number): void => {
    nb.cells[i % nb.cells.length].source = [`# edit ${i}\n`, 'plot(loss)'];
    writeFileSync(file, serialize(nb));
  };
  save(0);
  await store.add('big.ipynb', file, { kind: 'auto', skipUnchanged: true, keepAutomatic: 50 }); // warm up
  const checkpoint: number[] = [];
  const busy: number[] = [];
  const copy: number[] = [];
  const parseOnly: number[] = [];
  for (let i = 1; i <= 12; i++) {
    save(i);
    const elu = performance.eventLoopUtilization();
    let t = performance.now();
    const r = await store.add('big.ipynb', file, { kind: 'auto', skipUnchanged: true, keepAutomatic: 50 });
    checkpoint.push(performance.now() - t);
    // What the extension host's thread spent on it (hashing and file I/O run on the thread pool).
    busy.push(performance.eventLoopUtilization(elu).active);
    if (!r.added) throw new Error('the edited notebook was not checkpointed');
    t = performance.now();
    await copyFile(file, join(ws, `copy-${i}.ipynb`));
    copy.push(performance.now() - t);
    t = performance.now();
    JSON.parse(readFileSync(file, 'utf8'));
    parseOnly.push(performance.now() - t);
  }

  const oldest = store.list('big.ipynb').at(-1)!;
  const restore: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < 8; i++) {
    let t = performance.now();
    const plan = await planRestore(root, oldest, file);
    restore.push(performance.now() - t);
    if (!plan.changes) throw new Error('no changes worked out');
    t = performance.now();
    JSON.parse((await readFile(file)).toString('utf8'));
    parse.push(performance.now() - t);
  }
  return [
    figure('checkpoint of a 5 MB notebook on save (blob, fingerprint, record, retention)', median(checkpoint), 'ms', median(copy), '<= 50 ms', (v) => v <= 50),
    figure('  of which the extension host thread is busy (baseline: JSON.parse of the file)', median(busy), 'ms', median(parseOnly), '<= 50 ms', (v) => v <= 50),
    figure('restore of a 5 MB notebook, core part (read, verify, parse both, cell changes)', median(restore), 'ms', median(parse), '<= 300 ms', (v) => v <= 300),
  ];
}

/** 1,000 checkpoints of a 40-cell notebook, each a little different, listed with their summaries. */
async function listing(ws: string): Promise<Figure> {
  const root = join(ws, '.trackside-list');
  const store = new CheckpointStore(root);
  const file = join(ws, 'list.ipynb');
  const nb = bigNotebook(40 * 1024, 40);
  writeFileSync(file, serialize(nb));
  const first = (await store.add('list.ipynb', file, { kind: 'auto' })).added!;
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    nb.cells[i % 40].source = [`# version ${i}\n`];
    if (i % 50 === 0) nb.cells.push({ ...nb.cells[0], id: `added-${i}` });
    const fp = notebookFingerprint(nb);
    const t = first.t + 1 + i;
    const kind = i % 100 === 0 ? 'run' : i % 25 === 0 ? 'manual' : 'auto';
    lines.push(JSON.stringify({ ...first, t, id: `${t.toString(36)}-${i.toString(16).padStart(6, '0')}`, kind, ...(kind === 'run' ? { run: '20240603-081500-3fa2c1' } : {}), ...(kind === 'manual' ? { label: `try ${i}` } : {}), content: fp.content, cells: fp.cells.map((c) => `${c.kind}${c.text}${c.id ? `:${c.id}` : ''}`) }));
  }
  const recordFile = join(store.dir('list.ipynb'), 'checkpoints.jsonl');
  mkdirSync(store.dir('list.ipynb'), { recursive: true });
  writeFileSync(recordFile, lines.join('\n') + '\n');
  const current = notebookFingerprint(nb).cells;

  const view: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < 7; i++) {
    // A fresh store and summaries: nothing cached, as when the view opens on the notebook.
    let t = performance.now();
    const fresh = new CheckpointStore(root);
    const summaries = new CheckpointSummaries();
    summaries.setCurrent(current);
    const rows = fresh.list('list.ipynb').map((r) => [checkpointTime(r.t), r.label, checkpointOrigin(r), summaries.summary(r)].join(' '));
    view.push(performance.now() - t);
    if (rows.length !== 1000) throw new Error(`listed ${rows.length}`);
    t = performance.now();
    readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
    plain.push(performance.now() - t);
  }
  return figure('list 1,000 checkpoints of one notebook with change summaries (host time)', median(view), 'ms', median(plain), '<= 100 ms', (v) => v <= 100);
}
