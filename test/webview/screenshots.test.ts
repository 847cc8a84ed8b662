// Screenshots of every panel in Dark Modern, Light Modern and High Contrast (variables
// captured from a real VS Code), saved to test-results/screenshots/ to be looked at.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import { serveCompare, serveRun, serveTable, workspace, type Workspace } from './fakeHosts';
import { Harness, THEMES } from './harness';
import type { FixtureRun } from './runFixtures';

let h: Harness;
let ws: Workspace;
const runs: FixtureRun[] = Array.from({ length: 8 }, (_, i) => ({
  id: `20240105-0${i}0000-5c5c5${i}`,
  name: ['resnet18-baseline', 'resnet18-lr3e-4', 'resnet34-cosine', 'vit-tiny', 'resnet18-mixup', 'resnet18-wd', 'effnet-b0', 'resnet50'][i],
  experiment: i < 5 ? 'cifar10' : 'cifar100',
  status: (['finished', 'finished', 'running', 'failed', 'finished', 'stopped', 'finished', 'crashed'] as const)[i],
  seed: i,
  start: Date.UTC(2024, 4, 1 + i, 9, 30),
  stepMs: 900,
  params: { lr: [0.1, 3e-4, 0.05, 1e-3, 0.1, 0.1, 0.02, 0.1][i], batch_size: i === 3 ? 256 : 128, optimizer: i === 1 || i === 3 ? 'adam' : 'sgd', weight_decay: i === 5 ? 5e-4 : 1e-4, epochs: 30, model: ['resnet18', 'resnet18', 'resnet34', 'vit_tiny', 'resnet18', 'resnet18', 'efficientnet_b0', 'resnet50'][i] },
  keys: ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'lr', 'sys/cpu_percent', 'sys/gpu_memory'],
  steps: i === 0 ? 12_000 : 3000 + i * 700,
  epochEvery: 400,
  tags: i === 0 ? ['baseline', 'paper'] : i % 2 ? ['sweep'] : [],
  note: i === 0 ? 'Reference run for the paper table. Augmentation: random crop + flip.' : undefined,
  images: i < 3 ? [{ key: 'val/predictions', steps: [0, 1000, 2000] }, { key: 'confusion', steps: [2000] }] : [],
  artifacts: [{ name: 'checkpoints/model.pt', kind: 'model', content: `weights ${i}` }, { name: 'metrics.json', content: `{"acc": ${i}}` }],
  datasets: [{ name: 'cifar10-train', path: 'data/cifar10/train', files: [{ path: 'data_batch_1.bin', content: 'x' }, { path: 'data_batch_2.bin', content: i === 6 ? 'z' : 'y' }] }],
  code: [{ path: 'train.py', content: i === 2 ? 'v2' : 'v1' }, { path: 'models/resnet.py', content: 'r' }, { path: 'configs/base.yaml', content: i === 4 ? 'mixup: true' : 'mixup: false' }],
  output: Array.from({ length: 40 }, (_, k) => `epoch ${k + 1}/30  loss ${(1 / (k + 2)).toFixed(4)}  acc ${(0.5 + k / 90).toFixed(4)}`).join('\n') + '\n',
  error: i === 3 ? 'Traceback (most recent call last):\n  File "train.py", line 88, in <module>\n    loss.backward()\nRuntimeError: CUDA out of memory.' : undefined,
}));

before(async () => {
  ws = workspace(runs);
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
});

for (const theme of THEMES) {
  test(`Run panel in ${theme}`, async () => {
    const p = await h.open<RunToWebview, RunFromWebview>('run', { theme, state: { runId: runs[0].id, controls: { xAxis: 'step', smoothing: 0.6, logScale: false } } });
    serveRun(h, p, ws, runs[0].id);
    try {
      await p.page.locator('.chart-card[data-key="val/acc"][data-painted]').waitFor({ state: 'attached' });
      assert.ok(existsSync(await p.screenshot(`panel-run-metrics-${theme}`)));
      await p.page.locator('vscode-tab-header[data-tab="overview"]').click();
      await p.page.locator('.summaries').waitFor();
      await p.screenshot(`panel-run-overview-${theme}`);
      await p.page.locator('vscode-tab-header[data-tab="artifacts"]').click();
      await p.page.locator('.artifacts').waitFor();
      await p.screenshot(`panel-run-artifacts-${theme}`);
      await p.page.locator('vscode-tab-header[data-tab="images"]').click();
      await p.page.waitForFunction(() => [...document.querySelectorAll('.image-card img')].every((i) => (i as HTMLImageElement).complete));
      await p.screenshot(`panel-run-images-${theme}`);
      assert.deepEqual(p.cspViolations, []);
    } finally {
      await p.close();
    }
  });

  test(`Compare panel in ${theme}`, async () => {
    const ids = runs.map((r) => r.id);
    const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { theme, state: { runIds: ids } });
    serveCompare(h, p, ws, ids);
    try {
      await p.page.locator('.chart-card[data-key="val/acc"][data-painted]').waitFor({ state: 'attached' });
      await p.screenshot(`panel-compare-${theme}`);
      await p.page.locator('[data-section="charts"] > summary').evaluate((e) => e.scrollIntoView());
      await p.screenshot(`panel-compare-charts-${theme}`);
      assert.deepEqual(p.cspViolations, []);
    } finally {
      await p.close();
    }
  });

  test(`Runs Table in ${theme}`, async () => {
    const p = await h.open<TableToWebview, TableFromWebview>('table', { theme, state: { chart: { open: true, metric: 'm:last:val/acc', x: 'started' }, selected: [runs[1].id, runs[2].id] } });
    serveTable(p, ws);
    try {
      await p.page.locator('.runs-chart[data-points]').waitFor({ state: 'attached' });
      await p.screenshot(`panel-table-${theme}`);
      assert.deepEqual(p.cspViolations, []);
    } finally {
      await p.close();
    }
  });
}
