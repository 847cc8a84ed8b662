import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { LOD_LEVELS, bucketWidth, type ValueStats } from '../../src/core/lod';
import { planBuckets, series, type Series } from '../../src/core/series';
import { openIndex, type Store } from '../../src/core/store';
import { append, makeRun, metricsLine, rng, tempRoot } from './runFolders';

const RUN = '20240101-000000-5e5e5e';

interface Bucket extends ValueStats {
  first: number;
  last: number;
}

/** The same buckets computed from every point: groups of `width` steps aligned to multiples of it. */
function bruteForce(steps: Float64Array, values: Float64Array, a: number, b: number, width: number): Bucket[] {
  const out = new Map<number, Bucket>();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s < a || s > b) continue;
    const v = values[i];
    const g = Math.floor(s / width);
    let x = out.get(g);
    if (!x) {
      x = { count: 0, nans: 0, min: NaN, max: NaN, firstStep: s, lastStep: s, first: v, last: v };
      out.set(g, x);
    }
    x.count++;
    if (Number.isNaN(v)) x.nans++;
    else {
      if (!(v >= x.min)) x.min = v;
      if (!(v <= x.max)) x.max = v;
    }
    x.lastStep = s;
    x.last = v;
  }
  return [...out.entries()].sort((p, q) => p[0] - q[0]).map((e) => e[1]);
}

function buckets(s: Series): Bucket[] {
  return Array.from({ length: s.count }, (_, i) => ({
    count: s.counts[i],
    nans: s.nans[i],
    min: s.min[i],
    max: s.max[i],
    firstStep: s.steps[i],
    lastStep: s.lastSteps[i],
    first: s.first[i],
    last: s.last[i],
  }));
}

function withSeries(n: number, fn: (store: Store, all: { steps: Float64Array; values: Float64Array }) => void): void {
  const tmp = tempRoot();
  const store = openIndex(tmp.root);
  try {
    const f = makeRun(tmp.root, RUN);
    const random = rng(42);
    const lines: string[] = [];
    let step = 0;
    for (let i = 0; i < n; i++) {
      // Gaps now and then, several values at one step often, a few NaN and infinite values.
      const r0 = random();
      step += r0 < 0.02 ? 1 + Math.floor(random() * 300) : r0 < 0.12 && i > 0 ? 0 : 1;
      const r = random();
      const v = r < 0.002 ? NaN : r < 0.003 ? Infinity : Math.sin(i / 500) * 10 + (random() - 0.5);
      lines.push(metricsLine(i, step, { y: v }));
      if (lines.length === 5000) append(f, lines.splice(0).join(''));
    }
    append(f, lines.join(''));
    ingestAll(store);
    const all = points(store, RUN, 'y');
    assert.equal(all.steps.length, n);
    fn(store, all);
  } finally {
    store.close();
    tmp.cleanup();
  }
}

test('buckets equal a brute-force grouping of the points, never more than maxBuckets', () => {
  withSeries(150_000, (store, all) => {
    const first = all.steps[0];
    const last = all.steps[all.steps.length - 1];
    const random = rng(1);
    const cases: { maxBuckets: number; xMin?: number; xMax?: number }[] = [
      { maxBuckets: 2000 },
      { maxBuckets: 1000 },
      { maxBuckets: 7 },
      { maxBuckets: 1 },
      { maxBuckets: 500, xMin: first + 10_000, xMax: first + 90_000 },
    ];
    for (let i = 0; i < 40; i++) {
      const a = first + Math.floor(random() * (last - first));
      const b = a + Math.floor(random() * (last - a) * random());
      cases.push({ maxBuckets: 1 + Math.floor(random() * 3000), xMin: a, xMax: b });
    }
    for (const c of cases) {
      const s = series(store, RUN, 'y', c);
      const label = JSON.stringify(c);
      assert.ok(s.count <= c.maxBuckets, `${label}: ${s.count} buckets`);
      const a = Math.max(c.xMin ?? first, first);
      const b = Math.min(c.xMax ?? last, last);
      if (s.exact) {
        // One bucket per point: several values at one step are separate points, in logged order.
        const want: Bucket[] = [];
        for (let i = 0; i < all.steps.length; i++) {
          if (all.steps[i] >= a && all.steps[i] <= b) want.push(...bruteForce(all.steps.subarray(i, i + 1), all.values.subarray(i, i + 1), a, b, 1));
        }
        assert.deepEqual(buckets(s), want, label);
        continue;
      }
      assert.ok(s.bucketWidth >= 1, label);
      assert.deepEqual(buckets(s), bruteForce(all.steps, all.values, a, b, s.bucketWidth), label);
      assert.ok(s.points > 0 && s.points === bruteForce(all.steps, all.values, a, b, s.bucketWidth).reduce((x, g) => x + g.count, 0));
    }
  });
});

test('a large series is read from level-of-detail rows; a small range gives exact points', () => {
  withSeries(60_000, (store, all) => {
    const whole = series(store, RUN, 'y', { maxBuckets: 100 });
    assert.ok(whole.level >= 2, `level ${whole.level}`);
    assert.equal(whole.points, 60_000);
    assert.equal(whole.firstStep, all.steps[0]);
    assert.equal(whole.lastStep, all.steps[all.steps.length - 1]);

    const lo = all.steps[1000];
    const hi = all.steps[1040];
    const zoom = series(store, RUN, 'y', { maxBuckets: 200, xMin: lo, xMax: hi });
    assert.equal(zoom.exact, true);
    assert.equal(zoom.level, 0);
    assert.deepEqual([...zoom.steps], [...all.steps.subarray(1000, 1041)]);
    assert.deepEqual([...zoom.min], [...all.values.subarray(1000, 1041)]);
    assert.deepEqual([...zoom.max], [...all.values.subarray(1000, 1041)]);
  });
});

test('empty and unknown series, ranges outside the data', () => {
  withSeries(100, (store, all) => {
    assert.equal(series(store, RUN, 'nope').count, 0);
    assert.equal(series(store, 'no-such-run', 'y').count, 0);
    assert.equal(series(store, RUN, 'y', { xMin: 1e9 }).count, 0);
    assert.equal(series(store, RUN, 'y', { xMin: 10, xMax: 5 }).count, 0);
    const s = series(store, RUN, 'y', { maxBuckets: 1000 });
    assert.equal(s.exact, true);
    assert.equal(s.count, all.steps.length);
  });
});

test('a chart gets between half and all the buckets it asks for, from at most 8 rows per bucket asked', () => {
  for (const span of [5_000, 100_000, 1_000_000, 10_000_000, 100_000_000]) {
    for (const maxBuckets of [100, 450, 600, 1200, 2000]) {
      for (const a of [0, 12_345]) {
        const { width, ia, ib, k } = planBuckets(a, a + span, maxBuckets);
        const out = Math.floor(ib / k) - Math.floor(ia / k) + 1;
        const what = `span ${span}, ${maxBuckets} buckets, from ${a}: ${ib - ia + 1} rows of width ${width}, ${out} out`;
        assert.ok(out <= maxBuckets && out >= maxBuckets / 2 - 1, what);
        // The coarsest level is as coarse as it gets: a longer series reads more of its rows.
        if (width > 1 && width < bucketWidth(LOD_LEVELS)) assert.ok(ib - ia + 1 <= 8 * maxBuckets + 1, what);
      }
    }
  }
});
