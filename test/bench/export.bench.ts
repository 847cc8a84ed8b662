// Metrics CSV export speed: one run's 1M points (5 keys) written to a CSV file, against
// reading the same rows with a bare better-sqlite3 iteration (no formatting, no writing).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportMetricsCsv } from '../../src/core/export/metricsCsv';
import { openIndex, type Store } from '../../src/core/store';
import { figure, median, type Figure } from './report';

const KEYS = ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'lr'];
const STEPS = 200_000;
const RUN = '20250101-000000-export';
const ROUNDS = 5;

function fill(store: Store): number {
  const db = store.engine;
  let n = 0;
  store.transaction(() => {
    const rid = db.prepare('INSERT INTO runs (id, created, started) VALUES (?, 0, 0)').run(RUN).lastInsertRowid;
    const t0 = Date.UTC(2025, 0, 1);
    KEYS.forEach((key, k) => {
      const kid = db.prepare('INSERT INTO metric_keys (key) VALUES (?)').run(key).lastInsertRowid;
      const point = db.prepare('INSERT INTO points (rid, kid, step, seq, value, t, epoch) VALUES (?, ?, ?, 0, ?, ?, ?)');
      for (let step = 0; step < STEPS; step++) {
        point.run(rid, kid, step, Math.exp(-step / 50_000) * (1 + k / 10), t0 + step * 37, Math.floor(step / 10_000));
        n++;
      }
      db.prepare(
        'INSERT INTO summaries (rid, kid, count, nans, min, max, first_step, last_step, last, t, seq) VALUES (?, ?, ?, 0, 0, 1, 0, ?, 0, 0, 0)',
      ).run(rid, kid, STEPS, STEPS - 1);
    });
  });
  return n;
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-export-'));
  const store = openIndex(dir);
  try {
    const n = fill(store);
    const out = join(dir, 'metrics.csv');
    const read = store.engine.prepare('SELECT step, value, t, epoch FROM points WHERE rid = 1 AND kid = ? ORDER BY step').raw();
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      let start = performance.now();
      const written = exportMetricsCsv(store, RUN, out);
      ours.push(written / ((performance.now() - start) / 1000));
      start = performance.now();
      let rows = 0;
      for (let kid = 1; kid <= KEYS.length; kid++) for (const _ of read.iterate(kid)) rows++;
      bare.push(rows / ((performance.now() - start) / 1000));
    }
    const mb = (statSync(out).size / 1e6).toFixed(0);
    return [figure(`metrics CSV export (${n} points, ${mb} MB)`, median(ours), 'points/s', median(bare), '>= 500000 points/s', (v) => v >= 500_000)];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
