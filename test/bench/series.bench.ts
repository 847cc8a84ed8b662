// Chart-ready view of a 1M-point series (at most 2,000 min/max buckets) against reading all
// of its points, both from the same index.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { series } from '../../src/core/series';
import { openIndex } from '../../src/core/store';
import { figure, median, type Figure } from './report';

const N = 1_000_000;
const RUN = '20240101-000000-series';
const MAX_BUCKETS = 2000;

function writeLog(root: string): void {
  const dir = join(root, 'runs', RUN);
  mkdirSync(dir, { recursive: true });
  const parts: string[] = [JSON.stringify({ t: 0, type: 'run', name: 'long' }) + '\n'];
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let step = 0; step < N; step++) {
    const v = Math.exp(-step / 200_000) + 0.05 * random();
    parts.push(`{"t":${1_700_000_000_000 + step},"type":"metrics","step":${step},"values":{"train/loss":${v}}}\n`);
  }
  writeFileSync(join(dir, 'events.jsonl'), parts.join(''));
}

function time(fn: () => void, repeat: number): number {
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

export async function run(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'trackside-bench-series-'));
  try {
    writeLog(root);
    const store = openIndex(root);
    ingestAll(store);
    let buckets = 0;
    let covered = 0;
    const whole = (): void => {
      const s = series(store, RUN, 'train/loss', { maxBuckets: MAX_BUCKETS });
      buckets = s.count;
      covered = s.points;
    };
    let seed = 3;
    const zoom = (): void => {
      // A 10% window at a different place each time (unaligned edges).
      seed = (seed * 16807) % 2147483647;
      const lo = seed % (N - N / 10);
      series(store, RUN, 'train/loss', { maxBuckets: MAX_BUCKETS, xMin: lo + 0.5, xMax: lo + N / 10 - 0.5 });
    };
    const all = (): void => {
      points(store, RUN, 'train/loss');
    };
    whole();
    if (buckets > MAX_BUCKETS || covered !== N) throw new Error(`series returned ${buckets} buckets covering ${covered} points`);
    const wholeMs = time(whole, 21);
    const zoomMs = time(zoom, 21);
    const allMs = time(all, 5);
    store.close();
    const target = '<= 50 ms and >= 10x faster (ratio <= 0.1)';
    const pass = (v: number, ratio: number): boolean => v <= 50 && ratio <= 0.1;
    return [
      figure(`chart view of a 1M-point series (<= ${MAX_BUCKETS} buckets)`, wholeMs, 'ms', allMs, target, pass),
      figure(`chart view of a 10% zoom of it (<= ${MAX_BUCKETS} buckets)`, zoomMs, 'ms', allMs, target, pass),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
