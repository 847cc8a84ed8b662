// TensorBoard's debiased EMA, and the bucket form used on downsampled series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emaDebiased } from '../../webview/shared/ema';

/** TensorBoard's smoothing, written out as in its scalar card. */
function tensorboard(ys: number[], w: number): number[] {
  let last = 0;
  let n = 0;
  const isConstant = ys.every((y) => y === ys[0]);
  return ys.map((y) => {
    if (!Number.isFinite(y) || isConstant) return y;
    last = last * w + (1 - w) * y;
    n++;
    return last / (1 - Math.pow(w, n));
  });
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(a[i]), `NaN at ${i}`);
    else if (!Number.isFinite(b[i])) assert.equal(a[i], b[i]);
    else assert.ok(Math.abs(a[i] - b[i]) <= eps * Math.max(1, Math.abs(b[i])), `at ${i}: ${a[i]} vs ${b[i]}`);
  }
};

test('matches TensorBoard for ordinary series and weights', () => {
  const ys = Array.from({ length: 200 }, (_, i) => Math.exp(-i / 50) + Math.sin(i) * 0.1);
  for (const w of [0.1, 0.6, 0.9, 0.99]) close(emaDebiased(ys, w), tensorboard(ys, w));
});

test('the first smoothed value is the first value: no pull toward zero', () => {
  const out = emaDebiased([10, 10.5, 9.5], 0.9);
  assert.ok(Math.abs(out[0] - 10) < 1e-12);
  assert.ok(out[1] > 10 && out[1] < 10.5);
});

test('a constant series stays exactly constant', () => {
  assert.deepEqual([...emaDebiased([3, 3, 3, 3], 0.95)], [3, 3, 3, 3]);
});

test('weight 0 is the identity; non-finite values pass through and stay out of the average', () => {
  assert.deepEqual([...emaDebiased([1, 2, 3], 0)], [1, 2, 3]);
  const out = emaDebiased([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5], 0.5);
  close(out, tensorboard([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5], 0.5));
  assert.ok(Number.isNaN(out[1]));
  assert.equal(out[3], Number.POSITIVE_INFINITY);
});
