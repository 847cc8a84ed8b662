// The Compare panel webview in Chromium against a fake host that answers from a real index.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompareFromWebview, ComparePanelState, CompareToWebview } from '../../src/protocol/comparePanel';
import { serveCompare, workspace, type Workspace } from './fakeHosts';
import { Harness, type PanelPage } from './harness';
import type { FixtureRun } from './runFixtures';

const ids = Array.from({ length: 20 }, (_, i) => `20240103-0000${String(i).padStart(2, '0')}-c0ffee`);
let h: Harness;
let ws: Workspace;

before(async () => {
  const runs: FixtureRun[] = ids.map((id, i) => ({
    id,
    name: `sweep-${i}`,
    experiment: 'sweep',
    status: 'finished',
    seed: i,
    params: { lr: 0.1 / (i + 1), batch: 64, optimizer: i % 2 ? 'adam' : 'sgd' },
    keys: i < 3 ? ['train/loss', 'val/loss', 'val/acc'] : ['val/loss'],
    steps: i < 3 ? 5000 : 300,
    images: i < 2 ? [{ key: 'pred', steps: [0, 100, 200] }] : [],
    datasets: [{ name: 'train', path: 'data/train.csv', files: [{ path: 'train.csv', content: i === 1 ? 'other data' : 'same data' }] }],
    code: [{ path: 'train.py', content: i === 2 ? 'changed' : 'print(1)' }, { path: 'util.py', content: 'x = 1' }],
  }));
  ws = workspace(runs);
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
});

type Page = PanelPage<CompareToWebview, CompareFromWebview>;

async function openCompare(runIds: string[], state?: ComparePanelState) {
  const p: Page = await h.open<CompareToWebview, CompareFromWebview>('compare', { state: state ?? { runIds } });
  const host = serveCompare(h, p, ws, runIds);
  return { p, host };
}

/** Color of each run's line in a chart, by run id. */
function lineColors(p: Page, key: string) {
  return p.page.evaluate((k) => {
    const c = (document.querySelector(`.chart-card[data-key="${k}"]`) as HTMLElement & { tracksideChart?: { data: { datasets: { lineMeta: { kind: string; line: { id: string } }; borderColor: string }[] } } }).tracksideChart;
    return Object.fromEntries((c?.data.datasets ?? []).filter((d) => d.lineMeta.kind === 'raw').map((d) => [d.lineMeta.line.id, d.borderColor]));
  }, key);
}

const legendColors = (p: Page) => p.page.$$eval('.legend-entry', (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.run, (e.querySelector('.legend-item') as HTMLElement).dataset.color])));

const painted = (p: Page, key: string) => p.page.locator(`.chart-card[data-key="${key}"][data-painted]`).waitFor({ state: 'attached' });

test('one color per run, the same in the legend and every chart, distinct for 20 runs, kept when a run leaves', async () => {
  const { p, host } = await openCompare(ids);
  try {
    await painted(p, 'val/loss');
    await painted(p, 'train/loss');
    const legend = await legendColors(p);
    assert.equal(Object.keys(legend).length, 20);
    assert.equal(new Set(Object.values(legend)).size, 20, 'twenty distinct colors');
    for (const key of ['val/loss', 'train/loss']) {
      const lines = await lineColors(p, key);
      for (const [id, color] of Object.entries(lines)) assert.equal(color, legend[id], `${key} of ${id}`);
    }
    assert.equal(Object.keys(await lineColors(p, 'val/loss')).length, 20);
    // The third run keeps its color when the second leaves the comparison.
    await host.setRuns(ids.filter((id) => id !== ids[1]));
    await p.page.waitForFunction(() => document.querySelectorAll('.legend-entry').length === 19);
    const after = await legendColors(p);
    assert.equal(after[ids[2]], legend[ids[2]]);
    assert.equal(after[ids[19]], legend[ids[19]]);
    assert.deepEqual((p.state as ComparePanelState).runIds.length, 19);
    assert.deepEqual(p.cspViolations, []);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('charts come first, then the metrics, then the params diff, which folds and stays folded', async () => {
  const { p } = await openCompare(ids.slice(0, 2));
  try {
    await p.page.locator('.params-diff').waitFor();
    assert.deepEqual(await p.page.$$eval('details[data-section]', (ds) => ds.map((d) => (d as HTMLElement).dataset.section)), ['charts', 'summaries', 'params', 'images', 'diffs']);
    await p.page.locator('[data-section="params"] > summary').click();
    await p.page.waitForFunction(() => !(document.querySelector('[data-section="params"]') as HTMLDetailsElement).open);
    assert.deepEqual((p.state as ComparePanelState).collapsed, ['params']);
  } finally {
    await p.close();
  }
  const { p: again } = await openCompare(ids.slice(0, 2), { runIds: ids.slice(0, 2), collapsed: ['params'] });
  try {
    await again.page.locator('.params-diff').waitFor({ state: 'attached' });
    assert.equal(await again.page.locator('[data-section="params"]').evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.equal(await again.page.locator('[data-section="charts"]').evaluate((d) => (d as HTMLDetailsElement).open), true);
  } finally {
    await again.close();
  }
});

test('params: only differing rows until "Show all"; the best last value of each metric is marked', async () => {
  const { p } = await openCompare(ids.slice(0, 3));
  try {
    await p.page.locator('.params-diff').waitFor();
    assert.deepEqual(await p.page.$$eval('.params-diff tbody tr', (trs) => trs.map((t) => (t as HTMLElement).dataset.param)), ['lr', 'optimizer']);
    await p.page.locator('[data-section="params"] vscode-checkbox').click();
    await p.page.waitForFunction(() => document.querySelectorAll('.params-diff tbody tr').length === 3);
    assert.equal((p.state as ComparePanelState).showAllParams, true);
    // val/loss: lower is better; the run with the lowest last value is bold.
    const row = p.page.locator('.summaries-diff tr[data-metric="val/loss"]');
    const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => ({ best: td.classList.contains('best'), last: Number(td.firstElementChild?.textContent) })));
    const lowest = cells.reduce((b, c, i) => (c.last < cells[b].last ? i : b), 0);
    assert.deepEqual(cells.map((c) => c.best), cells.map((_, i) => i === lowest));
    const acc = await p.page.locator('.summaries-diff tr[data-metric="val/acc"] td').evaluateAll((tds) => tds.map((td) => ({ best: td.classList.contains('best'), last: Number(td.firstElementChild?.textContent) })));
    const highest = acc.reduce((b, c, i) => (c.last > acc[b].last ? i : b), 0);
    assert.ok(acc[highest].best, 'higher is better for accuracy');
  } finally {
    await p.close();
  }
});

test('overlaid charts share the axis and smoothing controls; zoom asks for every run', async () => {
  const { p } = await openCompare(ids.slice(0, 3));
  try {
    await painted(p, 'train/loss');
    await p.page.locator('input.smoothing').fill('0.6');
    await p.page.waitForFunction(() => {
      const c = (document.querySelector('.chart-card[data-key="train/loss"]') as HTMLElement & { tracksideChart?: { data: { datasets: { lineMeta: { kind: string }; data: unknown[] }[] } } }).tracksideChart;
      return (c?.data.datasets.filter((d) => d.lineMeta.kind === 'smooth' && d.data.length > 0).length ?? 0) === 3;
    });
    const canvas = p.page.locator('.chart-card[data-key="train/loss"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const from = p.received.length;
    await p.page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await p.page.mouse.up();
    const req = await p.waitForMessage('requestSeries', (m) => m.requests.some((r) => r.xMin !== undefined), { from });
    assert.deepEqual(req.requests.map((r) => r.runId).sort(), ids.slice(0, 3).sort());
    assert.ok(req.requests.every((r) => r.xMin === req.requests[0].xMin && r.key === 'train/loss'));
  } finally {
    await p.close();
  }
});

test('images side by side at one step; datasets and code files that differ, with a diff', async () => {
  const { p } = await openCompare(ids.slice(0, 3));
  try {
    await p.page.locator('.compare-image').first().waitFor();
    assert.equal(await p.page.locator('.compare-image').count(), 3);
    assert.equal(await p.page.locator('.compare-image img').count(), 2, 'the third run logged no image');
    await p.page.locator('[data-section="images"] input.image-slider').fill('1');
    await p.page.waitForFunction(() => /step 100 /.test(document.querySelector('[data-section="images"] .image-step')?.textContent ?? ''));
    assert.deepEqual([(p.state as ComparePanelState).imageKey, (p.state as ComparePanelState).imageStep], ['pred', 100]);

    assert.deepEqual(await p.page.$$eval('tr[data-dataset]', (trs) => trs.map((t) => (t as HTMLElement).dataset.dataset)), ['train']);
    assert.deepEqual(await p.page.$$eval('tr[data-file]', (trs) => trs.map((t) => (t as HTMLElement).dataset.file)), ['train.py']);
    await p.page.locator('tr[data-file="train.py"] a').click();
    assert.deepEqual(await p.waitForMessage('diffCode'), { type: 'diffCode', path: 'train.py', left: ids[0], right: ids[2] });
  } finally {
    await p.close();
  }
});

test('the legend hides a run\'s lines, opens it, or takes it out', async () => {
  const { p } = await openCompare(ids.slice(0, 3));
  try {
    await painted(p, 'val/loss');
    await p.page.locator(`.legend-entry[data-run="${ids[1]}"] .legend-item`).click();
    await p.page.waitForFunction((id) => {
      const c = (document.querySelector('.chart-card[data-key="val/loss"]') as HTMLElement & { tracksideChart?: { data: { datasets: { hidden?: boolean; lineMeta: { line: { id: string } } }[] } } }).tracksideChart;
      return c?.data.datasets.some((d) => d.lineMeta.line.id === id && d.hidden);
    }, ids[1]);
    assert.deepEqual((p.state as ComparePanelState).hidden, [ids[1]]);
    await p.page.locator(`.legend-entry[data-run="${ids[2]}"] a`).click();
    assert.deepEqual(await p.waitForMessage('openRun'), { type: 'openRun', runId: ids[2] });
    await p.page.locator(`.legend-entry[data-run="${ids[0]}"] .legend-remove`).click();
    assert.deepEqual(await p.waitForMessage('removeRun'), { type: 'removeRun', runId: ids[0] });
  } finally {
    await p.close();
  }
});
