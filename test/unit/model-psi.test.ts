// PSI and column summaries: the formula, rebinning onto the training bins, and the client's
// streaming summaries of a real CSV against numbers computed here from the raw values.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { numericColumns, type Histogram, type NumericColumn } from '../../src/core/models/columnSummary';
import { EPSILON, categoricalPsi, columnPsi, driftLevel, psi, rebin, referenceCounts } from '../../src/core/models/psi';
import { rng, tempRoot } from './runFolders';

const PYTHONPATH = resolve(__dirname, '../../src/python');

/** PSI written out longhand, as a reader would compute it from shares. */
function psiByHand(expected: number[], actual: number[]): number {
  const e = expected.map((x) => x / expected.reduce((a, b) => a + b, 0));
  const a = actual.map((x) => x / actual.reduce((p, q) => p + q, 0));
  let s = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = e[i] === 0 ? EPSILON : e[i];
    const ai = a[i] === 0 ? EPSILON : a[i];
    s += (ai - ei) * Math.log(ai / ei);
  }
  return s;
}

test('psi of identical distributions is 0; of known shares matches the formula', () => {
  assert.equal(psi([10, 20, 30], [1, 2, 3]), 0);
  // Shares 0.25/0.25/0.5 against 0.5/0.25/0.25: 2 · 0.25 · ln 2.
  assert.ok(Math.abs(psi([1, 1, 2], [2, 1, 1]) - 0.5 * Math.log(2)) < 1e-12);
  const e = [0, 5, 10, 85];
  const a = [3, 7, 40, 50];
  assert.ok(Math.abs(psi(e, a) - psiByHand(e, a)) < 1e-12);
  assert.ok(Number.isNaN(psi([0, 0], [1, 1])));
  assert.deepEqual([driftLevel(0.05), driftLevel(0.2), driftLevel(0.3)], ['stable', 'moderate', 'major']);
});

test('rebinning: equal edges keep counts; other edges split counts by overlap', () => {
  const h: Histogram = { edges: [0, 1, 2, 3], counts: [4, 6, 10], under: 2, over: 3 };
  assert.deepEqual(rebin(h, -1, 5, h.edges), [2, 4, 6, 10, 3]);
  // Current bins [0,2) [2,4) with 10 and 20 values onto [1, 3]: below 1 gets half of the
  // first, [1,2) the other half, [2,3) half of the second, above 3 its other half.
  const cur: Histogram = { edges: [0, 2, 4], counts: [10, 20], under: 0, over: 0 };
  assert.deepEqual(rebin(cur, 0, 4, [1, 2, 3]), [5, 5, 10, 10]);
  // Values above the current edges spread up to the max; a point mass lands in its bin.
  const tail: Histogram = { edges: [0, 1], counts: [1], under: 0, over: 4 };
  assert.deepEqual(rebin(tail, 0, 3, [0, 1, 2]), [0, 1, 2, 2]);
  assert.deepEqual(rebin({ edges: [0, 1], counts: [0], under: 0, over: 2 }, 0, 1, [0, 0.5, 1]), [0, 0, 2, 0]);
  const total = rebin(cur, 0, 4, [0.3, 0.7, 3.9]).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 30) < 1e-9);
});

test('columns with few distinct values: PSI per value, and values never seen in training get their own bin', () => {
  const ref = new Map([
    ['a', 50],
    ['b', 30],
    ['c', 20],
  ]);
  assert.equal(categoricalPsi(ref, new Map([['a', 5], ['b', 3], ['c', 2]])), 0);
  const cur = new Map([
    ['a', 40],
    ['b', 30],
    ['d', 30],
  ]);
  assert.ok(Math.abs(categoricalPsi(ref, cur) - psiByHand([50, 30, 20, 0], [40, 30, 0, 30])) < 1e-12);
  // An integer column binned over its range would spread each value over empty bins; with
  // its values counted, the same distribution gives 0 whatever the histogram edges.
  const hist = (lo: number, hi: number): Histogram => ({ edges: Array.from({ length: 21 }, (_, i) => lo + ((hi - lo) * i) / 20), counts: new Array<number>(20).fill(1), under: 0, over: 0 });
  const col = (values: [number, number][], lo: number, hi: number): NumericColumn => ({ name: 'calls', type: 'numeric', count: 100, nulls: 0, mean: 1, std: 1, min: lo, max: hi, hist: hist(lo, hi), values });
  const counts: [number, number][] = [[0, 22], [1, 33], [2, 25], [3, 12], [4, 8]];
  assert.equal(columnPsi(col(counts, 0, 8), col(counts, 0, 7)), 0);
  // Counted values against a continuous reference: binned exactly onto its edges.
  const continuous: NumericColumn = { ...col(counts, 0, 4), values: undefined, hist: { edges: [0, 2, 4], counts: [55, 45], under: 0, over: 0 } };
  assert.ok(Math.abs(columnPsi(continuous, col([[1, 55], [3, 45]], 1, 3))) < 1e-12);
  assert.ok(Math.abs(columnPsi(continuous, col([[5, 10], [1, 90]], 1, 5)) - psiByHand([0, 55, 45, 0], [0, 90, 0, 10])) < 1e-12);
});

interface Summary {
  name: string;
  count: number;
  nulls: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  hist: Histogram;
}

function summarize(dir: string, file: string, rows: string[]): Summary[] {
  writeFileSync(join(dir, file), rows.join('\n') + '\n');
  const code = `import json, sys\nfrom trackside.columns import summarize_file\nprint(json.dumps(summarize_file(sys.argv[1])))`;
  const r = spawnSync('python3', ['-c', code, join(dir, file)], { env: { ...process.env, PYTHONPATH }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Summary[];
}

function gauss(next: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

test('the client summarizes a CSV in one pass: stats and histogram match the raw values', () => {
  const tmp = tempRoot();
  try {
    const next = rng(11);
    const values = Array.from({ length: 6000 }, (_, i) => (i < 1000 ? 10 + 30 * next() : gauss(next, 25, 9)));
    const rows = ['tenure,plan', ...values.map((v, i) => `${i % 250 === 0 ? '' : v},${i % 3 ? 'pro' : 'basic'}`)];
    const [s] = summarize(tmp.workspace, 'train.csv', rows);
    const kept = values.filter((_, i) => i % 250 !== 0);
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const std = Math.sqrt(kept.reduce((a, b) => a + (b - mean) ** 2, 0) / (kept.length - 1));
    assert.equal(s.count, kept.length);
    assert.equal(s.nulls, values.length - kept.length);
    assert.ok(Math.abs(s.mean - mean) < 1e-9);
    assert.ok(Math.abs(s.std - std) < 1e-9);
    assert.deepEqual([s.min, s.max], [Math.min(...kept), Math.max(...kept)]);
    // Edges from the first 1000 non-null values, then every value binned against them.
    const first = kept.slice(0, 1000);
    const lo = Math.min(...first);
    const hi = Math.max(...first);
    const counts = new Array<number>(20).fill(0);
    let under = 0;
    let over = 0;
    for (const x of kept) {
      if (x < lo) under++;
      else if (x > hi) over++;
      else counts[Math.min(19, Math.floor(((x - lo) / (hi - lo)) * 20))]++;
    }
    assert.deepEqual([s.hist.edges[0], s.hist.edges[20]], [lo, hi]);
    assert.deepEqual(s.hist.counts, counts);
    assert.deepEqual([s.hist.under, s.hist.over], [under, over]);
    assert.ok(under > 0 && over > 0);
    assert.equal(numericColumns([{ ...s, type: 'numeric' }]).get('tenure')?.count, kept.length);
  } finally {
    tmp.cleanup();
  }
});

test('PSI of a shifted column from the summaries is close to PSI from the raw values, and ranks shifts', () => {
  const tmp = tempRoot();
  try {
    const next = rng(5);
    const train = Array.from({ length: 5000 }, () => gauss(next, 50, 10));
    const col = (rows: number[]): string[] => ['x', ...rows.map(String)];
    const ref = summarize(tmp.workspace, 'train.csv', col(train))[0];
    const refColumn = { ...ref, type: 'numeric' } as NumericColumn;
    const results: number[] = [];
    for (const shift of [0, 3, 10]) {
      const cur = Array.from({ length: 5000 }, () => gauss(next, 50 + shift, 10));
      const summary = summarize(tmp.workspace, `eval-${shift}.csv`, col(cur))[0];
      const fromSummaries = columnPsi(refColumn, { ...summary, type: 'numeric' } as NumericColumn);
      // Independently: every raw value binned on the training bins.
      const exact = new Array<number>(22).fill(0);
      const e = ref.hist.edges;
      for (const x of cur) {
        if (x < e[0]) exact[0]++;
        else if (x > e[20]) exact[21]++;
        else exact[1 + Math.min(19, Math.floor(((x - e[0]) / (e[20] - e[0])) * 20))]++;
      }
      const fromValues = psiByHand(referenceCounts(ref.hist), exact);
      assert.ok(Math.abs(fromSummaries - fromValues) <= 0.02 + 0.1 * fromValues, `shift ${shift}: ${fromSummaries} vs ${fromValues}`);
      results.push(fromSummaries);
    }
    assert.ok(results[0] < 0.1, `no shift: ${results[0]}`);
    assert.ok(results[0] < results[1] && results[1] < results[2]);
    assert.equal(driftLevel(results[2]), 'major');
  } finally {
    tmp.cleanup();
  }
});
