// A registered model version with a year of monthly evaluations (the later ones degraded and
// drifting) and two gate verdicts, written as the client and `trackside gate` write them,
// indexed, and served to the Model panel the way its host sends them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJsonLine } from '../../src/core/appendLine';
import type { GateEvent } from '../../src/core/events';
import { ingestAll } from '../../src/core/ingest';
import { syncModels } from '../../src/core/models/modelSync';
import { gateLog } from '../../src/core/models/registryPaths';
import { modelView } from '../../src/views/modelView';
import { openIndex } from '../../src/core/store';
import type { ModelFromWebview, ModelToWebview } from '../../src/protocol/model';
import { evaluationRun, trainingRun } from '../unit/modelFixtures';
import type { PanelPage } from './harness';

const T0 = Date.UTC(2024, 0, 15, 9, 30);
const MONTH = 30 * 86_400_000;

function column(name: string, counts: number[]): unknown {
  const edges = counts.map((_, i) => (10 * i) / counts.length).concat(10);
  return { name, type: 'numeric', count: counts.reduce((a, b) => a + b, 0), nulls: 0, mean: 5, std: 1, min: 0, max: 10, hist: { edges, counts, under: 0, over: 0 } };
}

export interface ModelWorkspace {
  name: string;
  version: number;
  message(): ModelToWebview;
  dispose(): void;
}

export function modelWorkspace(): ModelWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-model-'));
  const root = join(dir, '.trackside');
  const name = 'customer-churn-gradient-boosting';
  const steady = [column('tenure_months', [10, 10, 10, 10]), column('monthly_charges', [10, 10, 10, 10]), column('support_calls_last_quarter', [10, 10, 10, 10])];
  const { version } = trainingRun(root, '20240115-093000-a0a0a0', name, T0 - 86_400_000, steady);
  for (let m = 0; m < 12; m++) {
    const drift = Math.max(0, m - 7);
    evaluationRun(
      root,
      `2024${String(m + 1).padStart(2, '0')}15-093000-e0e0${String(m).padStart(2, '0')}`,
      name,
      version,
      T0 + m * MONTH,
      { accuracy: 0.91 - 0.004 * m - 0.03 * drift, auc: 0.95 - 0.003 * m - 0.02 * drift, log_loss: 0.21 + 0.01 * m + 0.04 * drift },
      { columns: [column('tenure_months', [10 + drift * 4, 10, 10 - drift * 2, 10 - drift * 2]), column('monthly_charges', [10, 10 + drift, 10, 10 - drift]), column('support_calls_last_quarter', [10, 10, 10, 10])] },
    );
  }
  const gate = (t: number, verdict: 'pass' | 'fail', summary: string, reasons: string[]): GateEvent => ({ t, type: 'gate', mode: 'degradation', verdict, version, summary, reasons, commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', url: 'https://ci.example.com/runs/1234' });
  appendJsonLine(gateLog(root, name), gate(T0 + 3 * MONTH, 'pass', 'accuracy 1.3 % worse', []));
  appendJsonLine(gateLog(root, name), gate(T0 + 11 * MONTH, 'fail', 'accuracy 17.6 % worse, auc 10.1 % worse; 2 columns drifted', ['accuracy 17.6 % worse than the first evaluation (tolerance 5 %)', 'tenure_months drifted (PSI 0.41)']));
  const store = openIndex(root);
  ingestAll(store);
  syncModels(store);
  return {
    name,
    version,
    message: () => modelView(store, name, version, { tolerance: 0.05 }),
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Answers a Model panel: the report on ready. */
export function serveModel(p: PanelPage<ModelToWebview, ModelFromWebview>, ws: ModelWorkspace): void {
  p.onMessage((m) => {
    if (m.type === 'ready') void p.post(ws.message());
  });
}
