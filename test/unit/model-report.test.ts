// What the Model panel shows of a version: evaluations in order, the first finished one as
// baseline, degradations marked and listed, column drift against the training data.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { syncModels } from '../../src/core/models/modelSync';
import { versionReport } from '../../src/core/models/versionReport';
import { openIndex } from '../../src/core/store';
import { evaluationRun, trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

function column(name: string, counts: number[], lo = 0, hi = 10): unknown {
  const edges = counts.map((_, i) => lo + ((hi - lo) * i) / counts.length).concat(hi);
  const count = counts.reduce((a, b) => a + b, 0);
  return { name, type: 'numeric', count, nulls: 0, mean: 5, std: 1, min: lo, max: hi, hist: { edges, counts, under: 0, over: 0 } };
}

test('evaluations: baseline, degraded ones marked and listed, running ones not judged, drift worst first', () => {
  const tmp = tempRoot();
  try {
    const trainCols = [column('age', [10, 10, 10, 10]), column('charges', [10, 10, 10, 10]), { name: 'plan', type: 'text', count: 40, nulls: 0, distinct: 2, top: [['a', 20]] }];
    const { runId, version } = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0, trainCols);
    evaluationRun(tmp.root, '20240102-000000-000001', 'churn', version, T0 + DAY, { acc: 0.8, loss: 0.4 }, { status: 'failed' });
    evaluationRun(tmp.root, '20240103-000000-000002', 'churn', version, T0 + 2 * DAY, { acc: 0.9, loss: 0.3 }, { columns: [column('age', [10, 10, 10, 10]), column('charges', [10, 10, 10, 10])] });
    evaluationRun(tmp.root, '20240104-000000-000003', 'churn', version, T0 + 3 * DAY, { acc: 0.88, loss: 0.31 }, { columns: [column('age', [12, 8, 10, 10]), column('charges', [10, 10, 10, 10])] });
    evaluationRun(tmp.root, '20240105-000000-000004', 'churn', version, T0 + 4 * DAY, { acc: 0.7, loss: 0.5, extra: 1 }, { columns: [column('age', [1, 1, 1, 37]), column('charges', [5, 10, 10, 15])] });
    evaluationRun(tmp.root, '20240106-000000-000005', 'churn', version, T0 + 5 * DAY, { acc: 0.1 }, { status: 'running' });
    const store = openIndex(tmp.root);
    ingestAll(store);
    syncModels(store);
    const r = versionReport(store, 'churn', version, { tolerance: 0.05 })!;
    assert.equal(r.runId, runId);
    assert.deepEqual(r.metrics, ['acc', 'extra', 'loss']);
    assert.deepEqual(r.directions, { acc: 'higher', extra: 'higher', loss: 'lower' });
    assert.deepEqual(
      r.evaluations.map((e) => [e.runId.slice(-1), e.status, e.baseline, e.degraded]),
      [
        ['1', 'failed', false, false],
        ['2', 'finished', true, false],
        ['3', 'finished', false, false],
        ['4', 'finished', false, true],
        ['5', 'running', false, false],
      ],
    );
    assert.deepEqual(r.degradations.map((d) => [d.runId.slice(-1), d.check.key]), [['4', 'acc'], ['4', 'loss']]);
    const acc = r.degradations[0].check;
    assert.ok(Math.abs(acc.change! - (0.9 - 0.7) / 0.9) < 1e-12);
    // Drift against the training columns, worst first; the text column has none.
    const last = r.evaluations[3].drift;
    assert.deepEqual(last.map((d) => d.column), ['age', 'charges']);
    assert.ok(last[0].psi > last[1].psi && last[0].level === 'major');
    assert.equal(r.evaluations[1].drift[0].psi, 0);
    assert.deepEqual(r.datasets.map((d) => [d.name, d.columns]), [['train', 2]]);
    assert.deepEqual(r.code.map((c) => c.path), ['serve/predict.py']);
    assert.equal(versionReport(store, 'churn', 9, { tolerance: 0.05 }), undefined);
    store.close();
  } finally {
    tmp.cleanup();
  }
});

test('a deleted evaluation is left out and a NaN metric counts as a degradation', () => {
  const tmp = tempRoot();
  try {
    const { version } = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    evaluationRun(tmp.root, '20240102-000000-000001', 'churn', version, T0 + DAY, { auc: 0.9 });
    evaluationRun(tmp.root, '20240103-000000-000002', 'churn', version, T0 + 2 * DAY, { auc: Number.NaN });
    const store = openIndex(tmp.root);
    ingestAll(store);
    syncModels(store);
    let r = versionReport(store, 'churn', version, { tolerance: 0.05 })!;
    assert.deepEqual(r.degradations.map((d) => [d.check.key, d.check.value]), [['auc', null]]);
    store.stmt("UPDATE runs SET deleted = 1 WHERE id = '20240103-000000-000002'").run();
    r = versionReport(store, 'churn', version, { tolerance: 0.05 })!;
    assert.equal(r.evaluations.length, 1);
    store.close();
  } finally {
    tmp.cleanup();
  }
});
