// Every panel (Run, Compare, Runs Table, Sweep, Model) at 360, 530, 900 and 1400 px wide, in Dark Modern, Light Modern and High
// Contrast: nothing reaches past the viewport and the page never scrolls sideways (tabs that
// do not fit go into a menu, tables scroll or wrap in their own box, charts take their card's
// width). Screenshots at 530 px (a side-by-side column) and 1400 px go to
// test-results/screenshots/ to be looked at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { ModelFromWebview, ModelToWebview } from '../../src/protocol/model';
import type { RunFromWebview, RunTab, RunToWebview } from '../../src/protocol/runPanel';
import type { SweepFromWebview, SweepToWebview } from '../../src/protocol/sweepPanel';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import { serveCompare, serveRun, serveTable, workspace, type Workspace } from './fakeHosts';
import { assertFits, brokenWords } from './fit';
import { Harness, THEMES, type PanelPage } from './harness';
import { type ModelWorkspace, modelWorkspace, serveModel } from './modelFixture';
import type { FixtureRun } from './runFixtures';
import { sweepView } from './sweepFixture';

const WIDTHS = [360, 530, 900, 1400];
const HEIGHT = 900;
const TABS: RunTab[] = ['overview', 'metrics', 'images', 'artifacts', 'datasets', 'output', 'code'];
const COMMAND = ['python', 'experiments/image_classification/train.py', '--config', 'configs/resnet50_imagenet_subset.yaml', '--learning-rate', '0.0003', '--batch-size', '256', '--epochs', '90', '--mixed-precision'];

const runs: FixtureRun[] = Array.from({ length: 4 }, (_, i) => ({
  id: `20240610-0${i}1500-7a7a7${i}`,
  name: ['resnet50-imagenet-subset-baseline', 'resnet50-cosine-warmup', 'resnet50-label-smoothing-0.1', 'vit-small-patch16'][i],
  experiment: 'imagenet-subset',
  status: (['finished', 'running', 'finished', 'failed'] as const)[i],
  seed: i,
  start: Date.UTC(2024, 5, 10, 8 + 2 * i, 15),
  stepMs: 1500,
  command: COMMAND,
  params: { learning_rate: [3e-4, 1e-3, 3e-4, 5e-4][i], batch_size: 256, optimizer: i === 3 ? 'adamw' : 'sgd', label_smoothing: i === 2 ? 0.1 : 0, warmup_epochs: i === 1 ? 5 : 0, data_augmentation_policy: 'randaugment-n2-m9' },
  keys: ['train/loss', 'train/accuracy', 'val/loss', 'val/accuracy_top1', 'val/accuracy_top5', 'learning_rate'],
  sparse: [
    { key: 'val/auc', steps: [1999] },
    { key: 'sys/gpu_memory_used_mb', steps: [0, 500, 1000, 1500, 1999] },
  ],
  steps: 2000,
  epochEvery: 100,
  tags: i === 0 ? ['baseline', 'paper-table-2'] : ['sweep'],
  note: i === 0 ? 'Reference run: augmentation as in the paper, no label smoothing.' : undefined,
  images: [
    { key: 'val/confusion_matrix', steps: [0, 1000, 1999], size: 160 },
    { key: 'samples', steps: [1999] },
  ],
  artifacts: [{ name: 'checkpoints/resnet50_imagenet_subset_epoch_090.pt', kind: 'model', content: `weights ${i}` }, { name: 'metrics.json', content: `{"acc": ${i}}` }],
  datasets: [{ name: 'imagenet-subset-train', path: 'data/imagenet_subset/train', files: [{ path: 'shard-00000-of-00004.tar', content: 'a' }, { path: 'shard-00001-of-00004.tar', content: i === 3 ? 'c' : 'b' }] }],
  code: [{ path: 'experiments/image_classification/train.py', content: i === 1 ? 'v2' : 'v1' }, { path: 'experiments/image_classification/models/resnet.py', content: 'r' }],
  output: Array.from({ length: 30 }, (_, k) => `epoch ${k + 1}/90  train_loss ${(1 / (k + 2)).toFixed(4)}  val_accuracy_top1 ${(0.5 + k / 90).toFixed(4)}  lr ${(0.0003).toFixed(6)}  elapsed ${(k * 41.3).toFixed(1)}s`).join('\n') + '\n',
}));

let h: Harness;
let ws: Workspace;
let model: ModelWorkspace;

before(async () => {
  ws = workspace(runs);
  model = modelWorkspace();
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
  model.dispose();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPage = PanelPage<any, any>;

async function at(p: AnyPage, width: number): Promise<void> {
  await p.page.setViewportSize({ width, height: HEIGHT });
}

/** Checks every width; screenshots at 530 and 1400 px as `<name>-<width>-<theme>`. */
async function everyWidth(p: AnyPage, what: string, shot?: string): Promise<void> {
  for (const w of WIDTHS) {
    await at(p, w);
    await assertFits(p.page, `${what} at ${w} px`);
    if (shot && (w === 530 || w === 1400)) await p.screenshot(`${shot}-${w}`);
  }
}

async function chooseTab(p: AnyPage, tab: RunTab): Promise<void> {
  const header = p.page.locator(`vscode-tab-header[data-tab="${tab}"]`);
  if (await header.isVisible()) await header.click();
  else {
    await p.page.locator('.tab-more-button').click();
    await p.page.locator(`vscode-context-menu-item[value="${tab}"]`).click();
  }
  await p.page.locator(`vscode-tab-panel[data-tab="${tab}"]`).waitFor();
}

for (const theme of THEMES) {
  test(`Run panel fits every width, on every tab, in ${theme}`, async () => {
    const p = await h.open<RunToWebview, RunFromWebview>('run', { theme, viewport: { width: 1400, height: HEIGHT }, state: { runId: runs[0].id } });
    serveRun(h, p, ws, runs[0].id);
    try {
      await p.page.locator('.chart-card[data-key="val/accuracy_top1"][data-painted]').waitFor({ state: 'attached' });
      for (const tab of TABS) {
        await at(p, 1400);
        await chooseTab(p, tab);
        const shot = tab === 'metrics' || tab === 'overview' || tab === 'images' ? `fit-run-${tab}-${theme}` : undefined;
        await everyWidth(p, `Run panel, ${tab} tab,`, shot);
        assert.ok(await p.page.locator(`vscode-tab-header[data-tab="${tab}"]`).isVisible(), `the ${tab} tab stays in the strip`);
      }
      assert.deepEqual(p.cspViolations, []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test(`Compare panel fits every width in ${theme}`, async () => {
    const ids = runs.map((r) => r.id);
    const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { theme, viewport: { width: 1400, height: HEIGHT }, state: { runIds: ids } });
    serveCompare(h, p, ws, ids);
    try {
      await p.page.locator('.chart-card[data-key="val/accuracy_top1"][data-painted]').waitFor({ state: 'attached' });
      await everyWidth(p, 'Compare panel', `fit-compare-${theme}`);
      await at(p, 530);
      await p.page.locator('[data-section="summaries"]').evaluate((e) => e.scrollIntoView());
      await p.screenshot(`fit-compare-tables-530-${theme}`);
      await p.page.locator('[data-section="images"]').evaluate((e) => e.scrollIntoView());
      await p.page.waitForFunction(() => [...document.querySelectorAll('.compare-image img')].every((i) => (i as HTMLImageElement).complete));
      await p.screenshot(`fit-compare-images-530-${theme}`);
      assert.deepEqual(p.cspViolations, []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test(`Runs Table fits every width in ${theme}`, async () => {
    const p = await h.open<TableToWebview, TableFromWebview>('table', { theme, viewport: { width: 1400, height: HEIGHT }, state: { chart: { open: true, metric: 'm:last:val/accuracy_top1', x: 'started' }, selected: [runs[1].id] } });
    serveTable(p, ws);
    try {
      await p.page.locator('.runs-chart[data-points]').waitFor({ state: 'attached' });
      await everyWidth(p, 'Runs Table', `fit-table-${theme}`);
      assert.deepEqual(p.cspViolations, []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test(`Sweep panel fits every width in ${theme}`, async () => {
    const p = await h.open<SweepToWebview, SweepFromWebview>('sweep', { theme, viewport: { width: 1400, height: HEIGHT }, state: { sweepId: sweepView().id } });
    try {
      await p.waitForMessage('ready');
      await p.post({ type: 'sweep', sweep: sweepView() });
      await p.page.locator('.pcp-canvas canvas[data-painted="6"]').waitFor();
      await everyWidth(p, 'Sweep panel', `fit-sweep-${theme}`);
      assert.deepEqual(p.cspViolations, []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test(`Model panel fits every width in ${theme}`, async () => {
    const p = await h.open<ModelToWebview, ModelFromWebview>('model', { theme, viewport: { width: 1400, height: HEIGHT }, state: { name: model.name, version: model.version } });
    serveModel(p, model);
    try {
      await p.page.locator('.model-charts .chart-card canvas').first().waitFor();
      await everyWidth(p, 'Model panel', `fit-model-${theme}`);
      assert.deepEqual(p.cspViolations, []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
}

test('Run panel at 360 px: the tabs that do not fit are in a More menu, and a tab chosen there joins the strip', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { viewport: { width: 360, height: HEIGHT }, state: { runId: runs[0].id, tab: 'overview' } });
  serveRun(h, p, ws, runs[0].id);
  try {
    await p.page.locator('.run-summary, .kv').first().waitFor();
    const overflow = p.page.locator('vscode-tabs.panel-tabs:not([data-overflow="0"])');
    await overflow.waitFor({ state: 'attached' });
    assert.ok(await p.page.locator('vscode-tab-header[data-tab="code"]').isHidden(), 'Code does not fit');
    await chooseTab(p, 'code');
    assert.ok(await p.page.locator('vscode-tab-header[data-tab="code"]').isVisible());
    assert.equal((p.state as { tab?: string }).tab, 'code');
    await p.page.locator('.code-files').waitFor();
    await assertFits(p.page, 'Run panel on Code at 360 px');
  } finally {
    await p.close();
  }
});

test('the large image view fits 360 and 530 px, in every theme', async () => {
  for (const theme of THEMES) {
    const p = await h.open<RunToWebview, RunFromWebview>('run', { theme, viewport: { width: 530, height: HEIGHT }, state: { runId: runs[0].id, tab: 'images' } });
    serveRun(h, p, ws, runs[0].id);
    try {
      await p.page.locator('.image-card[data-key="val/confusion_matrix"] button.image-open').click();
      await p.page.locator('dialog.image-viewer[open] img').waitFor();
      await p.page.waitForFunction(() => (document.querySelector('dialog .viewer-image') as HTMLImageElement).complete);
      await assertFits(p.page, `the image view in ${theme} at 530 px`);
      await p.screenshot(`fit-image-viewer-530-${theme}`);
      await at(p, 360);
      await assertFits(p.page, `the image view in ${theme} at 360 px`);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  }
});

test('Run panel header: the command is one line cut short, whole on hover, and Copy copies it whole', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { viewport: { width: 530, height: HEIGHT }, state: { runId: runs[0].id } });
  serveRun(h, p, ws, runs[0].id);
  try {
    const code = p.page.locator('.run-command-text');
    await code.waitFor();
    const whole = COMMAND.join(' ');
    assert.equal(await code.getAttribute('title'), whole);
    const box = await code.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, height: e.getBoundingClientRect().height, line: parseFloat(getComputedStyle(e).lineHeight) || 20 }));
    assert.ok(box.scroll > box.client, 'cut short');
    assert.ok(box.height < 2 * box.line + 10, 'one line');
    const from = p.received.length;
    await p.page.locator('.copy-command').click();
    assert.deepEqual(await p.waitForMessage('copy', () => true, { from }), { type: 'copy', text: whole });
  } finally {
    await p.close();
  }
});

test('Compare at 360 px: metric and parameter names wrap between words, never inside one', async () => {
  const ids = runs.map((r) => r.id);
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { viewport: { width: 360, height: HEIGHT }, state: { runIds: ids, showAllParams: true } });
  serveCompare(h, p, ws, ids);
  try {
    await p.page.locator('.summaries-diff tbody tr').first().waitFor();
    assert.deepEqual(await brokenWords(p.page, '.summaries-diff tbody th, .params-diff tbody th, .compare-table thead th'), []);
    await assertFits(p.page, 'Compare at 360 px');
  } finally {
    await p.close();
  }
});
