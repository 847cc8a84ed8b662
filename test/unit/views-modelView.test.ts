// The Model panel's message: the version's report, the versions to switch to and the gate
// verdicts, in the panel's own wire types; a version not in the registry is `missing`.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { appendJsonLine } from '../../src/core/appendLine';
import { ingestAll } from '../../src/core/ingest';
import { syncModels } from '../../src/core/models/modelSync';
import { gateLog } from '../../src/core/models/registryPaths';
import { versionReport } from '../../src/core/models/versionReport';
import { openIndex } from '../../src/core/store';
import { modelView } from '../../src/views/modelView';
import { evaluationRun, trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

const T0 = Date.UTC(2024, 0, 1);
const SETTINGS = { tolerance: 0.05 };

test('a version: its report as the panel shows it, every version to switch to, its gate verdicts', () => {
  const tmp = tempRoot();
  try {
    const { version } = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    trainingRun(tmp.root, '20240101-000001-bbbbbb', 'churn', T0 + 1000);
    evaluationRun(tmp.root, '20240102-000000-000001', 'churn', version, T0 + 2000, { acc: 0.9 });
    evaluationRun(tmp.root, '20240103-000000-000002', 'churn', version, T0 + 3000, { acc: 0.5 });
    appendJsonLine(gateLog(tmp.root, 'churn'), { t: T0 + 4000, type: 'gate', mode: 'degradation', verdict: 'fail', version, evaluation: '20240103-000000-000002', summary: 'acc 44 % worse', reasons: ['acc'] });
    const store = openIndex(tmp.root);
    try {
      ingestAll(store);
      syncModels(store);
      const m = modelView(store, 'churn', version, SETTINGS);
      assert.equal(m.type, 'report');
      if (m.type !== 'report') return;
      const core = versionReport(store, 'churn', version, SETTINGS)!;
      assert.equal(m.report.name, 'churn');
      assert.equal(m.report.version, version);
      assert.ok(!('files' in m.report), 'the weights files stay out of the panel');
      assert.ok(m.report.evaluations.every((e) => !('ref' in e)));
      assert.deepEqual(m.report.evaluations.map((e) => [e.runId, e.baseline, e.degraded]), core.evaluations.map((e) => [e.runId, e.baseline, e.degraded]));
      assert.deepEqual(m.report.degradations, core.degradations);
      assert.deepEqual(m.versions.map((v) => v.version).sort(), [version, version + 1]);
      assert.deepEqual(m.gates.map((g) => [g.verdict, g.summary, g.line]), [['fail', 'acc 44 % worse', 1]]);
      assert.ok(m.gates.every((g) => !('type' in g) && !('evaluation' in g)));
      assert.deepEqual(modelView(store, 'churn', 9, SETTINGS), { type: 'missing', name: 'churn', version: 9 });
    } finally {
      store.close();
    }
  } finally {
    tmp.cleanup();
  }
});
