// Ingest speed: a realistic events.jsonl of ~1M metric points (5 keys per metrics line, with
// params, sys samples and status events around them) read into a fresh index, against a bare
// better-sqlite3 batched insert of the same point rows into the same points table.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { figure, median, type Figure } from './report';

const LINES = 200_000;
const KEYS = ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'lr'];
const RUN = '20240101-000000-bench0';
const ROUNDS = 5;

/** The point rows a log holds, in log order (typed arrays: no big heap to slow GC down). */
interface Rows {
  length: number;
  kid: Float64Array;
  step: Float64Array;
  value: Float64Array;
  t: Float64Array;
  epoch: Float64Array;
}

/** Writes the log; returns the point rows it holds. */
function writeLog(root: string): Rows {
  const dir = join(root, 'runs', RUN);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, id: RUN, created: 1_700_000_000_000 }));
  const n = LINES * KEYS.length;
  const rows: Rows = { length: n, kid: new Float64Array(n), step: new Float64Array(n), value: new Float64Array(n), t: new Float64Array(n), epoch: new Float64Array(n) };
  let r = 0;
  const parts: string[] = [];
  const t0 = 1_700_000_000_000;
  parts.push(JSON.stringify({ t: t0, type: 'run', name: 'bench', experiment: 'speed', command: ['python', 'train.py'], params: { lr: 3e-4, batch: 64 } }) + '\n');
  parts.push(JSON.stringify({ t: t0, type: 'status', status: 'running', exit_code: null }) + '\n');
  let seed = 1;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let step = 0; step < LINES; step++) {
    const t = t0 + step * 5;
    const epoch = Math.floor(step / 10_000);
    const values: Record<string, number> = {};
    KEYS.forEach((k, i) => {
      const v = Math.exp(-step / 50_000) * (1 + 0.1 * random()) + i;
      values[k] = v;
      rows.kid[r] = i + 1;
      rows.step[r] = step;
      rows.value[r] = v;
      rows.t[r] = t;
      rows.epoch[r] = epoch;
      r++;
    });
    parts.push(JSON.stringify({ t, type: 'metrics', step, epoch, values }) + '\n');
    if (step % 1000 === 0) parts.push(JSON.stringify({ t, type: 'sys', values: { cpu: 50 + random(), rss: 1e9 } }) + '\n');
  }
  parts.push(JSON.stringify({ t: t0 + LINES * 5, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
  writeFileSync(join(dir, 'events.jsonl'), parts.join(''));
  return rows;
}

function timeIngest(logRoot: string): { ms: number; points: number } {
  const dbDir = mkdtempSync(join(tmpdir(), 'trackside-bench-db-'));
  try {
    const store = openIndex(logRoot, join(dbDir, 'index.db'));
    const start = performance.now();
    const report = ingestAll(store);
    const ms = performance.now() - start;
    store.close();
    return { ms, points: report.points };
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

function timeBareInsert(rows: Rows): number {
  const dbDir = mkdtempSync(join(tmpdir(), 'trackside-bench-bare-'));
  try {
    // Same schema and pragmas: the index's own points table, written directly.
    const store = openIndex(dbDir);
    const insert = store.engine.prepare('INSERT INTO points (rid, kid, step, seq, value, t, epoch) VALUES (?, ?, ?, 0, ?, ?, ?)');
    const batch = (from: number, to: number): void =>
      store.transaction(() => {
        for (let i = from; i < to; i++) insert.run(1, rows.kid[i], rows.step[i], rows.value[i], rows.t[i], rows.epoch[i]);
      });
    const size = 200_000;
    const start = performance.now();
    for (let i = 0; i < rows.length; i += size) batch(i, Math.min(rows.length, i + size));
    const ms = performance.now() - start;
    store.close();
    return ms;
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'trackside-bench-log-'));
  try {
    const rows = writeLog(root);
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      const measureOurs = (): void => {
        const r = timeIngest(root);
        ours.push(r.points / (r.ms / 1000));
      };
      const measureBare = (): void => {
        bare.push(rows.length / (timeBareInsert(rows) / 1000));
      };
      if (i % 2 === 0) {
        measureOurs();
        measureBare();
      } else {
        measureBare();
        measureOurs();
      }
    }
    return [
      figure('ingest events.jsonl (~1M points, 5 keys per line)', median(ours), 'points/s', median(bare), '>= 500000 points/s and ratio >= 0.9', (v, ratio) => v >= 500_000 && ratio >= 0.9),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
