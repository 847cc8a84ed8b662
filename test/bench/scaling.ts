// npm run bench:scaling [-- --full]: how cost grows with the number of runs (1k, 10k, 100k;
// 1M with --full) and with the points of one run (1M, 10M; 100M with --full), written to
// test/bench/SCALING.md with the growth from each row to the next. Size is anchored on the
// same points in a TensorBoard event file as PyTorch's SummaryWriter writes it (one Event of a
// float simple_value per add_scalar), built with the TFRecord writer the import tests use.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { compileQuery } from '../../src/core/query/compile';
import { countRuns, listRuns } from '../../src/core/runQueries';
import { series } from '../../src/core/series';
import { openIndex } from '../../src/core/store';
import { explorerGroups, explorerRuns } from '../../src/views/explorerData';
import { tableRows } from '../../src/views/tableRows';
import { event, tfRecord } from '../fixtures/import/tensorboard';
import { median } from './report';

const full = process.argv.includes('--full');
const RUN_COUNTS = full ? [1_000, 10_000, 100_000, 1_000_000] : [1_000, 10_000, 100_000];
const POINT_COUNTS = full ? [1_000_000, 10_000_000, 100_000_000] : [1_000_000, 10_000_000];
const KEYS = ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'lr'];
const QUERY = 'params.lr > 0.001 and metrics.val/acc.max >= 0.9 and status = finished';
const STATUSES = ['finished', 'finished', 'finished', 'failed', 'stopped'];

/** Appends text to a file in large writes (a 100M-point log never sits in memory whole). */
class Appender {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  add(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 8 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

function timed(fn: () => void, rounds: number): { median: number; max: number } {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  return { median: median(ms), max: Math.max(...ms) };
}

/** N finished runs of 10 steps × 5 keys and 3 params each, in 20 experiments, as the client writes them. */
function writeRuns(root: string, n: number): void {
  const rnd = random(11);
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const id = `20250101-000000-${i.toString(16).padStart(6, '0')}`;
    const dir = join(root, 'runs', id);
    mkdirSync(dir, { recursive: true });
    const t = t0 + i * 60_000;
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, id, created: t }));
    const lr = 10 ** (-1 - 4 * rnd());
    const lines = [JSON.stringify({ t, type: 'run', name: `trial ${i}`, experiment: `exp${i % 20}`, params: { lr, batch: 64, opt: rnd() < 0.5 ? 'adam' : 'sgd' } })];
    lines.push(JSON.stringify({ t, type: 'status', status: 'running' }));
    for (let step = 0; step < 10; step++) {
      const values = Object.fromEntries(KEYS.map((k) => [k, rnd()]));
      lines.push(JSON.stringify({ t: t + step * 1000, type: 'metrics', step, values }));
    }
    lines.push(JSON.stringify({ t: t + 20_000, type: 'status', status: STATUSES[i % STATUSES.length], exit_code: 0 }));
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
  }
}

interface RunsRow {
  runs: number;
  ingestS: number;
  queryMs: { median: number; max: number };
  tableFirstMs: { median: number; max: number };
  tableAllMs: number;
  explorerMs: { median: number; max: number };
  rssMiB: number;
}

function byRuns(n: number): RunsRow {
  const root = mkdtempSync(join(tmpdir(), 'trackside-scaling-runs-'));
  try {
    writeRuns(root, n);
    const rssBefore = process.memoryUsage().rss;
    const store = openIndex(root);
    try {
      const ingest = timed(() => ingestAll(store), 1);
      const where = compileQuery(QUERY);
      const query = timed(() => {
        listRuns(store, { where, limit: 100 });
        countRuns(store, { where });
      }, 7);
      const tableFirst = timed(() => tableRows(store, undefined, 200), 7);
      const tableAll = timed(() => tableRows(store), 1);
      const primary = { pinned: {}, fallback: '' };
      const explorer = timed(() => {
        const groups = explorerGroups(store, {});
        explorerRuns(store, groups[0].name, {}, 0, 50, primary);
      }, 7);
      const rss = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
      return { runs: n, ingestS: ingest.median / 1000, queryMs: query, tableFirstMs: tableFirst, tableAllMs: tableAll.median, explorerMs: explorer, rssMiB: rss };
    } finally {
      store.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface PointsRow {
  points: number;
  ingestS: number;
  seriesMs: { median: number; max: number };
  jsonlBytes: number;
  indexBytes: number;
  tensorboardBytes: number;
}

const RUN = '20250101-000000-points';

/** One run of `points` points (5 keys a step) as events.jsonl, and the same points as a TensorBoard event file. */
function writePoints(root: string, points: number): number {
  const dir = join(root, 'runs', RUN);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, id: RUN, created: 1_700_000_000_000 }));
  const log = new Appender(join(dir, 'events.jsonl'));
  const tbFile = join(root, 'events.out.tfevents.1700000000.host.1.0');
  const tb = openSync(tbFile, 'w');
  const rnd = random(5);
  const t0 = 1_700_000_000_000;
  log.add(JSON.stringify({ t: t0, type: 'run', name: 'long', experiment: 'scaling' }) + '\n');
  let records: Buffer[] = [];
  let recordBytes = 0;
  for (let step = 0; step < points / KEYS.length; step++) {
    const t = t0 + step * 10;
    const values = KEYS.map((_, k) => Math.exp(-step / 1e6) * (1 + k) + 0.01 * rnd());
    log.add(`{"t":${t},"type":"metrics","step":${step},"values":{${KEYS.map((k, i) => `"${k}":${values[i]}`).join(',')}}}\n`);
    for (let k = 0; k < KEYS.length; k++) {
      const r = tfRecord(event(t / 1000, step, [{ tag: KEYS[k], simple: values[k] }]));
      records.push(r);
      recordBytes += r.length;
    }
    if (recordBytes > 8 << 20) {
      writeSync(tb, Buffer.concat(records));
      records = [];
      recordBytes = 0;
    }
  }
  writeSync(tb, Buffer.concat(records));
  closeSync(tb);
  log.add(JSON.stringify({ t: t0 + points * 2, type: 'status', status: 'finished', exit_code: 0 }) + '\n');
  log.close();
  return statSync(tbFile).size;
}

function byPoints(points: number): PointsRow {
  const root = mkdtempSync(join(tmpdir(), 'trackside-scaling-points-'));
  try {
    const tensorboardBytes = writePoints(root, points);
    const store = openIndex(root);
    let ingest, seriesMs;
    try {
      ingest = timed(() => ingestAll(store), 1);
      seriesMs = timed(() => series(store, RUN, 'val/loss', { maxBuckets: 2000 }), 7);
      store.engine.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      store.close();
    }
    const indexBytes = statSync(join(root, 'index.db')).size;
    const jsonlBytes = statSync(join(root, 'runs', RUN, 'events.jsonl')).size;
    return { points, ingestS: ingest.median / 1000, seriesMs, jsonlBytes, indexBytes, tensorboardBytes };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 2 : x < 100 ? 1 : 0 });
const growth = (now: number, before: number | undefined) => (before === undefined ? '' : ` (×${n(now / before)})`);
const ms = (t: { median: number; max: number }, prev?: { median: number; max: number }) => `${n(t.median)} / ${n(t.max)}${growth(t.max, prev?.max)}`;

function main(): void {
  const runs: RunsRow[] = [];
  for (const count of RUN_COUNTS) {
    runs.push(byRuns(count));
    process.stdout.write(`runs ${n(count)}: ${JSON.stringify(runs.at(-1))}\n`);
  }
  const pts: PointsRow[] = [];
  for (const count of POINT_COUNTS) {
    pts.push(byPoints(count));
    process.stdout.write(`points ${n(count)}: ${JSON.stringify(pts.at(-1))}\n`);
  }
  const cpu = cpus();
  const out = [
    '# How cost grows',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}. Date: ${new Date().toISOString().slice(0, 10)}. Written by \`npm run bench:scaling${full ? ' -- --full' : ''}\`${full ? '' : ' (1M runs and 100M points need `-- --full`)'}.`,
    'Times are median / worst in ms; (×k) is the growth of the worst from the row above, for 10× the data.',
    '',
    '## Runs',
    '',
    `Each run: 10 steps × 5 metrics, 3 params, in 20 experiments. Query: \`${QUERY}\`, first page of 100 and the count. Runs Table: the index read of its first 200 rows (all columns), and of every row (drawing not included; the panels bench times that). Explorer: the groups and the first group's first 50 runs. Memory: resident size added while the index is opened, ingested and read.`,
    '',
    '| runs | ingest | runs/s | query | Runs Table read, first rows | Runs Table read, every row | explorer first render | memory |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map((r, i) => {
      const p = runs[i - 1];
      return `| ${n(r.runs)} | ${n(r.ingestS)} s${growth(r.ingestS, p?.ingestS)} | ${n(r.runs / r.ingestS)} | ${ms(r.queryMs, p?.queryMs)} | ${ms(r.tableFirstMs, p?.tableFirstMs)} | ${n(r.tableAllMs)}${growth(r.tableAllMs, p?.tableAllMs)} | ${ms(r.explorerMs, p?.explorerMs)} | ${n(r.rssMiB)} MiB |`;
    }),
    '',
    '## Points of one run',
    '',
    'Five keys a step. Chart view: one key at ≤ 2,000 buckets. TensorBoard: the same points as PyTorch writes them (float32 values, one event per scalar); goal: events.jsonl + index ≤ 2× that.',
    '',
    '| points | ingest | points/s | chart view | events.jsonl | index | bytes/point (log / index) | TensorBoard | (log + index) / TensorBoard |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...pts.map((r, i) => {
      const p = pts[i - 1];
      const mib = (b: number) => `${n(b / 2 ** 20)} MiB`;
      return `| ${n(r.points)} | ${n(r.ingestS)} s${growth(r.ingestS, p?.ingestS)} | ${n(r.points / r.ingestS)} | ${ms(r.seriesMs, p?.seriesMs)} | ${mib(r.jsonlBytes)} | ${mib(r.indexBytes)} | ${n(r.jsonlBytes / r.points)} / ${n(r.indexBytes / r.points)} | ${mib(r.tensorboardBytes)} | ${n((r.jsonlBytes + r.indexBytes) / r.tensorboardBytes)} |`;
    }),
    '',
  ].join('\n');
  writeFileSync(join(__dirname, 'SCALING.md'), out);
  process.stdout.write(out);
}

main();
