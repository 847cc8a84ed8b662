// Metrics logged once show as value cards in a "Summary" strip above the charts, not as empty
// charts; a chart of a few points draws its points, a dense one only its line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import { serveCompare, serveRun, workspace, type Workspace } from './fakeHosts';
import { Harness } from './harness';
import type { FixtureRun } from './runFixtures';

const START = Date.UTC(2024, 2, 5, 14, 0);
const runs: FixtureRun[] = [0, 1].map((i) => ({
  id: `20240305-1400${i}0-5e5e5${i}`,
  name: ['short-a', 'short-b'][i],
  start: START,
  stepMs: 1000,
  keys: ['train/loss'],
  steps: 300,
  sparse: [
    { key: 'val/auc', steps: [299] },
    { key: 'sys/cpu', steps: [0, 100, 200] },
  ],
  value: (k, step) => (k === 'val/auc' ? [0.91, 0.87][i] : k === 'sys/cpu' ? 10 + step / 10 : 1 / (step + 1)),
}));

let h: Harness;
let ws: Workspace;

before(async () => {
  ws = workspace(runs);
  h = await Harness.start();
});

after(async () => {
  await h.stop();
  ws.dispose();
});

/** Each dataset's point radius and number of points, of the chart of `key`. */
function chartDots(page: Page, key: string) {
  return page.evaluate((k) => {
    const card = document.querySelector(`.chart-card[data-key="${k}"]`) as (HTMLElement & { tracksideChart?: { data: { datasets: { pointRadius: number; data: unknown[] }[] } } }) | null;
    return card?.tracksideChart?.data.datasets.filter((d) => d.data.length > 0).map((d) => ({ radius: d.pointRadius, points: d.data.length }));
  }, key);
}

test('Run panel: a metric logged once is a value card with its step and time, not a chart; three points are drawn as points', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { state: { runId: runs[0].id, tab: 'metrics' } });
  serveRun(h, p, ws, runs[0].id);
  try {
    await p.page.locator('.chart-card[data-key="sys/cpu"][data-painted]').waitFor({ state: 'attached' });
    const card = p.page.locator('.summary-strip .summary-card[data-key="val/auc"]');
    assert.equal(await card.locator('.summary-value').textContent(), '0.91');
    assert.match((await card.locator('.summary-when').textContent()) ?? '', /^step 299 · 2024-03-05 \d\d:\d\d$/);
    assert.equal(await p.page.locator('.summary-strip .summary-title').textContent(), 'Summary');
    assert.equal(await p.page.locator('.chart-card[data-key="val/auc"]').count(), 0, 'no empty chart for it');
    const few = await chartDots(p.page, 'sys/cpu');
    assert.deepEqual(few, [{ radius: 2.5, points: 3 }]);
    await p.page.locator('.chart-card[data-key="train/loss"][data-painted]').waitFor({ state: 'attached' });
    const dense = await chartDots(p.page, 'train/loss');
    assert.ok(dense!.length > 0 && dense!.every((d) => d.radius === 0), `a dense line has no dots: ${JSON.stringify(dense)}`);
    await p.screenshot('summary-strip-run');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('Compare: a metric every run logged once is one card with a line per run, in the run colors', async () => {
  const ids = runs.map((r) => r.id);
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { state: { runIds: ids } });
  serveCompare(h, p, ws, ids);
  try {
    const card = p.page.locator('.summary-strip .summary-card[data-key="val/auc"]');
    await card.waitFor();
    assert.deepEqual(await card.locator('.summary-run-name').allTextContents(), ['short-a', 'short-b']);
    assert.deepEqual(await card.locator('.summary-value').allTextContents(), ['0.91', '0.87']);
    assert.equal(await p.page.locator('.chart-card[data-key="val/auc"]').count(), 0);
    await p.page.locator('.chart-card[data-key="sys/cpu"]').waitFor();
    await p.screenshot('summary-strip-compare');
  } finally {
    await p.close();
  }
});
