// Degradation against the first evaluation: relative, per metric, direction-aware, with the
// tolerance edge itself not counting as a drop.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { checkMetric, compareToBaseline, metricDirection, type DegradationSettings } from '../../src/core/models/degradation';

const S: DegradationSettings = { tolerance: 0.05 };

test('direction comes from the name: losses and errors go down, the rest up; overrides win', () => {
  for (const k of ['loss', 'val/loss', 'error_rate', 'mse', 'test/MAE', 'rmse', 'log_loss', 'nll', 'brier']) assert.equal(metricDirection(k), 'lower', k);
  for (const k of ['acc', 'val/auc', 'f1', 'recall', 'precision', 'r2']) assert.equal(metricDirection(k), 'higher', k);
  // Only the last path segment counts: "loss_curves/auc" is an AUC.
  assert.equal(metricDirection('loss_curves/auc'), 'higher');
  assert.equal(metricDirection('auc', { tolerance: 0.05, overrides: { auc: { direction: 'lower' } } }), 'lower');
});

test('higher is better: a drop beyond the tolerance degrades, exactly at it does not', () => {
  // 0.8 → 0.76 is exactly 5 % worse (in floating point a hair above it).
  assert.equal(checkMetric('auc', 0.8, 0.76, S).degraded, false);
  assert.equal(checkMetric('auc', 0.8, 0.7599, S).degraded, true);
  assert.equal(checkMetric('auc', 0.8, 0.95, S).degraded, false);
  const c = checkMetric('auc', 0.8, 0.72, S);
  assert.equal(c.direction, 'higher');
  assert.ok(Math.abs(c.change! - 0.1) < 1e-12);
  assert.equal(c.degraded, true);
});

test('lower is better: a rise beyond the tolerance degrades, a fall never does', () => {
  assert.equal(checkMetric('val/loss', 0.5, 0.525, S).degraded, false); // +5 % exactly
  assert.equal(checkMetric('val/loss', 0.5, 0.5251, S).degraded, true);
  assert.equal(checkMetric('val/loss', 0.5, 0.1, S).degraded, false);
  const c = checkMetric('val/loss', 0.5, 0.6, S);
  assert.ok(Math.abs(c.change! - 0.2) < 1e-12);
  // Negative baselines: relative to the size of the baseline.
  assert.equal(checkMetric('score', -2, -2.2, S).degraded, true);
  assert.equal(checkMetric('score', -2, -1.5, S).degraded, false);
});

test('tolerance 0 flags any worsening; per-metric tolerance overrides the default', () => {
  assert.equal(checkMetric('acc', 0.9, 0.8999999, { tolerance: 0 }).degraded, true);
  assert.equal(checkMetric('acc', 0.9, 0.9, { tolerance: 0 }).degraded, false);
  const s: DegradationSettings = { tolerance: 0.05, overrides: { acc: { tolerance: 0.2 } } };
  assert.equal(checkMetric('acc', 1, 0.85, s).degraded, false);
  assert.equal(checkMetric('acc', 1, 0.79, s).degraded, true);
  assert.equal(checkMetric('auc', 1, 0.9, s).degraded, true);
});

test('non-finite values and a zero baseline', () => {
  const nan = checkMetric('acc', 0.9, Number.NaN, S);
  assert.deepEqual([nan.degraded, nan.value, nan.change], [true, null, null]);
  assert.equal(checkMetric('loss', 0.2, Number.POSITIVE_INFINITY, S).degraded, true);
  assert.equal(checkMetric('acc', Number.NaN, 0.5, S).degraded, false); // no baseline to hold it to
  assert.equal(checkMetric('loss', 0, 0.001, S).degraded, true);
  assert.equal(checkMetric('loss', 0, 0, S).degraded, false);
  assert.equal(checkMetric('acc', 0, 0.5, S).degraded, false);
});

test('an evaluation is checked on every metric of the baseline it also has', () => {
  const checks = compareToBaseline({ acc: 0.9, loss: 0.3, only_base: 1 }, { acc: 0.91, loss: 0.4, only_new: 2 }, S);
  assert.deepEqual(checks.map((c) => [c.key, c.degraded]), [['acc', false], ['loss', true]]);
});
