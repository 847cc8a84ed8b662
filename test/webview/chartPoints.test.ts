// Buckets become chart points: the raw line visits first/min/max/last, x stays sorted, zoom
// ranges map back to steps on every axis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SeriesData } from '../../src/protocol/series';
import { bucketX, rawPoints, smoothedPoints, stepRangeFor } from '../../webview/shared/chartPoints';
import { SeriesBuffer } from '../../webview/shared/seriesBuffer';

function series(buckets: { steps: [number, number]; min: number; max: number; first: number; last: number; count: number; t?: [number, number]; epoch?: [number, number] }[]): SeriesData {
  const f = (g: (b: (typeof buckets)[number]) => number) => Float64Array.from(buckets, g);
  return {
    runId: 'r',
    key: 'loss',
    exact: buckets.every((b) => b.count === 1),
    points: buckets.reduce((s, b) => s + b.count, 0),
    steps: f((b) => b.steps[0]),
    lastSteps: f((b) => b.steps[1]),
    min: f((b) => b.min),
    max: f((b) => b.max),
    first: f((b) => b.first),
    last: f((b) => b.last),
    counts: f((b) => b.count),
    t: f((b) => b.t?.[0] ?? NaN),
    lastT: f((b) => b.t?.[1] ?? NaN),
    epochs: f((b) => b.epoch?.[0] ?? NaN),
    lastEpochs: f((b) => b.epoch?.[1] ?? NaN),
  };
}

const opts = { xAxis: 'step' as const, start: 1000, smoothing: 0, logScale: false };

test('a bucket draws first, then min and max in the order that travels less, then last', () => {
  const s = new SeriesBuffer(series([{ steps: [0, 9], first: 5, min: 1, max: 6, last: 2, count: 10 }]));
  const pts = rawPoints(s, opts);
  assert.deepEqual(pts.map((p) => p.y), [5, 6, 1, 2]); // 5→6→1→2 is shorter than 5→1→6→2
  assert.deepEqual(pts.map((p) => p.x), [0, 3, 6, 9]);
  assert.ok(pts.every((p) => p.b === 0));
});

test('one-point buckets are one point; NaN, infinities and log-scale non-positives break the line', () => {
  const s = new SeriesBuffer(
    series([
      { steps: [0, 0], first: 1, min: 1, max: 1, last: 1, count: 1 },
      { steps: [1, 1], first: NaN, min: NaN, max: NaN, last: NaN, count: 1 },
      { steps: [2, 2], first: Infinity, min: Infinity, max: Infinity, last: Infinity, count: 1 },
      { steps: [3, 3], first: -1, min: -1, max: -1, last: -1, count: 1 },
    ]),
  );
  assert.deepEqual(rawPoints(s, opts).map((p) => p.y), [1, NaN, NaN, -1]);
  assert.deepEqual(rawPoints(s, { ...opts, logScale: true }).map((p) => p.y), [1, NaN, NaN, NaN]);
});

test('time and epoch axes read the times and epochs at bucket edges; x never goes back', () => {
  const s = new SeriesBuffer(
    series([
      { steps: [0, 4], first: 1, min: 1, max: 2, last: 2, count: 5, t: [1100, 1500], epoch: [0, 0] },
      { steps: [5, 9], first: 2, min: 2, max: 3, last: 3, count: 5, t: [1400, 1900], epoch: [1, 1] },
    ]),
  );
  assert.equal(bucketX(s, 0, 0, { xAxis: 'relative', start: 1000 }), 100);
  assert.equal(bucketX(s, 1, 1, { xAxis: 'wall', start: 1000 }), 1900);
  const rel = rawPoints(s, { ...opts, xAxis: 'relative' }).map((p) => p.x);
  assert.deepEqual(rel, [...rel].sort((a, b) => a - b), 'sorted even where a bucket starts before the last one ended');
  assert.deepEqual(stepRangeFor(s, 450, 600, { xAxis: 'relative', start: 1000 }), { xMin: 0, xMax: 9 });
  assert.deepEqual(stepRangeFor(s, 0.5, 1, { xAxis: 'epoch', start: 1000 }), { xMin: 5, xMax: 9 });
  assert.deepEqual(stepRangeFor(s, 2.2, 7.8, opts), { xMin: 2, xMax: 8 });
});

test('smoothed points sit at bucket ends: the debiased EMA of each bucket\'s point or range middle', () => {
  const s = new SeriesBuffer(series([
    { steps: [0, 0], first: 1, min: 1, max: 1, last: 1, count: 1 },
    { steps: [1, 4], first: 3, min: 2, max: 6, last: 5, count: 4 },
  ]));
  const pts = smoothedPoints(s, { ...opts, smoothing: 0.5 });
  assert.deepEqual(pts.map((p) => p.x), [0, 4]);
  assert.equal(pts[0].y, 1);
  // values 1 and (2 + 6) / 2 = 4, w = 0.5: (0.25 + 2) / (1 - 0.25)
  assert.ok(Math.abs(pts[1].y - 3) < 1e-12);
});

test('appended points extend the buffer from its last step on: a repeat of it is a further value, an earlier step is left out', () => {
  const s = new SeriesBuffer(series([{ steps: [0, 9], first: 1, min: 1, max: 2, last: 2, count: 10 }]));
  const added = s.append({ runId: 'r', key: 'loss', steps: Float64Array.of(8, 9, 10, 11), values: Float64Array.of(6, 7, 8, 9), t: Float64Array.of(0, 1, 2, 3), epochs: Float64Array.of(NaN, NaN, NaN, NaN) });
  assert.equal(added, 3);
  assert.equal(s.length, 4);
  assert.equal(s.points, 13);
  assert.deepEqual([...s.col('steps').subarray(0, 4)], [0, 9, 10, 11]);
  assert.deepEqual([...s.col('last').subarray(0, 4)], [2, 7, 8, 9]);
});
