// Metrics CSV export speed: one run's 1M points (5 keys) written to a CSV file, against the
// plain way: one query iterating the same rows, each formatted as the same CSV line
// (key,step,value,ISO time,epoch) and written through a buffered file stream.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
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

/** The rows as CSV lines, 64 KB at a time. */
function plainCsv(rows: Iterable<[string, number, number, number, number | null]>, path: string): number {
  const fd = openSync(path, 'w');
  let buf = 'key,step,value,time,epoch\r\n';
  let n = 0;
  for (const [key, step, value, t, epoch] of rows) {
    buf += `${key},${step},${value},${new Date(t).toISOString()},${epoch ?? ''}\r\n`;
    n++;
    if (buf.length >= 65536) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return n;
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-export-'));
  const store = openIndex(dir);
  try {
    const n = fill(store);
    const out = join(dir, 'metrics.csv');
    const read = store.engine
      .prepare('SELECT k.key, p.step, p.value, p.t, p.epoch FROM points p JOIN metric_keys k ON k.kid = p.kid WHERE p.rid = 1 ORDER BY k.key, p.step, p.seq')
      .raw();
    const plainOut = join(dir, 'plain.csv');
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      let start = performance.now();
      const written = exportMetricsCsv(store, RUN, out);
      ours.push(written / ((performance.now() - start) / 1000));
      start = performance.now();
      bare.push(plainCsv(read.iterate() as Iterable<[string, number, number, number, number | null]>, plainOut) / ((performance.now() - start) / 1000));
    }
    const mb = (statSync(out).size / 1e6).toFixed(0);
    return [figure(`metrics CSV export (${n} points, ${mb} MB)`, median(ours), 'points/s', median(bare), '>= 1000000 points/s', (v) => v >= 1_000_000)];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
