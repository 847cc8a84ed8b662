// The extension host's responsiveness: the longest event-loop stall on the host's thread while
// 1,000 runs totalling 1M points are read into a fresh index, and while a 10,000-run index is
// rebuilt. Ours: the index worker (dist/indexWorker.js) through the extension's own client.
// Baseline: the same work done the plain way, on the host's thread.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ingestAll } from '../../src/core/ingest';
import { rebuild } from '../../src/core/rebuild';
import { openIndex } from '../../src/core/store';
import { figure, type Figure } from './report';
import { workerClient } from './workerClient';


function writeRuns(root: string, runs: number, pointsPerRun: number): void {
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < runs; i++) {
    const id = `20260101-${String(Math.floor(i / 60) % 24).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00-${i.toString(16).padStart(6, '0')}`;
    const dir = join(root, 'runs', id);
    mkdirSync(dir, { recursive: true });
    const lines = [JSON.stringify({ t: t0 + i, type: 'run', name: `run-${i}`, experiment: `exp-${i % 8}`, params: { lr: 0.001 * (i % 10) } })];
    for (let s = 0; s < pointsPerRun; s++) lines.push(`{"t":${t0 + i + s},"type":"metrics","step":${s},"values":{"loss":${1 / (s + 1)}}}`);
    lines.push(JSON.stringify({ t: t0 + i + pointsPerRun, type: 'status', status: 'finished', exit_code: 0 }));
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
  }
}

/** The longest stall of this thread's event loop while `work` runs, in ms. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  await work();
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  return h.max / 1e6;
}

/** The same work on this thread, as the editor did it before the worker (one turn). */
const onThisThread = (fn: () => void) => () => new Promise<void>((resolveTurn) => setImmediate(() => (fn(), resolveTurn())));

export async function run(): Promise<Figure[]> {
  const ws = mkdtempSync(join(tmpdir(), 'trackside-bench-stall-'));
  const target = '<= 30 ms';
  try {
    // 1,000 runs, 1M points, read into a fresh index.
    const ingestRoot = join(ws, 'ingest', '.trackside');
    writeRuns(ingestRoot, 1000, 1000);
    const c = workerClient(ingestRoot);
    const ours = await longestStall(() => c.job('ingestAll', {}));
    c.dispose();
    rmSync(join(ingestRoot, 'index.db'), { force: true });
    const plain = await longestStall(
      onThisThread(() => {
        const store = openIndex(ingestRoot);
        ingestAll(store);
        store.close();
      }),
    );

    // A 10,000-run index rebuilt.
    const rebuildRoot = join(ws, 'rebuild', '.trackside');
    writeRuns(rebuildRoot, 10_000, 20);
    const r = workerClient(rebuildRoot);
    await r.job('ingestAll', {});
    const oursRebuild = await longestStall(() => r.job('rebuild', {}));
    r.dispose();
    const plainRebuild = await longestStall(onThisThread(() => void rebuild(rebuildRoot)));
    return [
      figure('longest host stall while 1,000 runs (1M points) are read in', ours, 'ms', plain, target, (v) => v <= 30),
      figure('longest host stall while a 10,000-run index is rebuilt', oursRebuild, 'ms', plainRebuild, target, (v) => v <= 30),
    ];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
