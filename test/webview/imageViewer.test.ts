// Images: a click opens a large view at natural size, walked by keyboard and slider; Compare
// shows them side by side at a size the user picks; a key logged once has no slider.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ComparePanelState, CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunPanelState, RunToWebview } from '../../src/protocol/runPanel';
import { serveCompare, serveRun, workspace, type Workspace } from './fakeHosts';
import { Harness } from './harness';
import type { FixtureRun } from './runFixtures';

const runs: FixtureRun[] = [0, 1, 2].map((i) => ({
  id: `20240410-0900${i}0-1a1a1${i}`,
  name: ['cnn-small', 'cnn-wide', 'cnn-deep'][i],
  keys: ['loss'],
  steps: 30,
  images: [
    { key: 'confusion_matrix', steps: [0, 10, 20], size: 160 },
    { key: 'final_samples', steps: [29], size: 48 },
  ],
}));

let h: Harness;
let ws: Workspace;

before(async () => {
  ws = workspace(runs);
  h = await Harness.start();
  h.blobRoot = ws.root;
});

after(async () => {
  await h.stop();
  ws.dispose();
});

const width = (page: Page, selector: string) => page.locator(selector).evaluate((e) => Math.round(e.getBoundingClientRect().width));

test('Run panel: a click opens the image at its natural size; arrows walk the steps (the card follows), + − 0 F zoom, Escape closes', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { state: { runId: runs[0].id, tab: 'images' } });
  serveRun(h, p, ws, runs[0].id);
  try {
    const card = p.page.locator('.image-card[data-key="confusion_matrix"]');
    await card.locator('img').waitFor();
    const once = p.page.locator('.image-card[data-key="final_samples"]');
    await once.locator('img').waitFor();
    assert.equal(await once.locator('input.image-slider').count(), 0, 'no slider for one step');
    assert.equal(await once.locator('.image-step').textContent(), 'step 29');
    assert.equal(await width(p.page, '.image-card[data-key="final_samples"] img'), 192, 'a small image is scaled up to be seen');

    await card.locator('button.image-open').click();
    const viewer = p.page.locator('dialog.image-viewer[open]');
    await viewer.waitFor();
    const img = viewer.locator('img.viewer-image');
    await p.page.waitForFunction(() => (document.querySelector('dialog .viewer-image') as HTMLImageElement | null)?.naturalWidth === 160);
    assert.equal(await width(p.page, 'dialog .viewer-image'), 160, 'natural size');
    assert.equal(await viewer.locator('.viewer-step').textContent(), 'step 20 (3/3)');
    assert.equal(await viewer.locator('.viewer-title').textContent(), 'confusion_matrix');

    await p.page.keyboard.press('ArrowLeft');
    await viewer.locator('.viewer-step', { hasText: 'step 10 (2/3)' }).waitFor();
    assert.match((await img.getAttribute('alt')) ?? '', /step 10$/);
    assert.equal(await card.locator('.image-step').textContent(), 'step 10 (2/3)', 'the card follows');
    assert.deepEqual((p.state as RunPanelState).imageSteps, { confusion_matrix: 10 });
    await p.page.keyboard.press('Home');
    await viewer.locator('.viewer-step', { hasText: 'step 0 (1/3)' }).waitFor();
    await viewer.locator('input.viewer-slider').fill('2');
    await viewer.locator('.viewer-step', { hasText: 'step 20 (3/3)' }).waitFor();

    await p.page.locator('dialog .viewer-box').focus();
    await p.page.keyboard.press('+');
    await p.page.waitForFunction(() => Math.round(document.querySelector('dialog .viewer-image')!.getBoundingClientRect().width) === 320);
    assert.equal(await viewer.locator('.viewer-zoom').textContent(), '200 %');
    await p.page.keyboard.press('0');
    await p.page.waitForFunction(() => Math.round(document.querySelector('dialog .viewer-image')!.getBoundingClientRect().width) === 160);
    await p.page.keyboard.press('f');
    await p.page.waitForFunction(() => document.querySelector('dialog')!.dataset.zoom === 'fit');
    const box = await p.page.locator('dialog .viewer-box').evaluate((e) => ({ w: e.clientWidth, h: e.clientHeight, scrolls: e.scrollHeight > e.clientHeight || e.scrollWidth > e.clientWidth }));
    const fit = await p.page.locator('dialog .viewer-image').evaluate((e) => e.getBoundingClientRect());
    assert.ok(!box.scrolls && fit.width <= box.w && fit.height <= box.h && (fit.width > box.w - 40 || fit.height > box.h - 40), `fills the box: ${JSON.stringify({ box, fit })}`);
    await p.screenshot('image-viewer-fit');

    await p.page.keyboard.press('Escape');
    await p.page.waitForFunction(() => !document.querySelector('dialog.image-viewer')!.hasAttribute('open'));
    assert.equal(await p.page.evaluate(() => document.activeElement?.className), 'image-open', 'focus goes back to the image');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.cspViolations, []);
  } finally {
    await p.close();
  }
});

test('Run panel: a single-step image opens without a slider', async () => {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { state: { runId: runs[0].id, tab: 'images' } });
  serveRun(h, p, ws, runs[0].id);
  try {
    await p.page.locator('.image-card[data-key="final_samples"] button.image-open').click();
    const viewer = p.page.locator('dialog.image-viewer[open]');
    await viewer.waitFor();
    assert.equal(await viewer.locator('.viewer-step').textContent(), 'step 29');
    assert.ok(await viewer.locator('input.viewer-slider').isHidden());
  } finally {
    await p.close();
  }
});

test('Compare: images side by side at Medium, Small and Large as chosen (kept in the state); a click opens one large with its run', async () => {
  const ids = runs.map((r) => r.id);
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { viewport: { width: 900, height: 900 }, state: { runIds: ids, imageKey: 'confusion_matrix' } });
  serveCompare(h, p, ws, ids);
  try {
    await p.page.locator('.compare-image img').first().waitFor();
    await p.page.locator('[data-section="images"]').evaluate((e) => e.scrollIntoView());
    const widths = () => p.page.locator('.compare-image img').evaluateAll((imgs) => imgs.map((i) => Math.round(i.getBoundingClientRect().width)));
    const tops = () => p.page.locator('.compare-image').evaluateAll((fs) => new Set(fs.map((f) => Math.round(f.getBoundingClientRect().top))).size);
    assert.deepEqual(await widths(), [240, 240, 240], 'medium by default');
    assert.equal(await tops(), 1, 'side by side');
    await p.screenshot('compare-images-medium');

    const size = p.page.locator('vscode-single-select.image-size');
    await size.click();
    await size.getByRole('option', { name: 'Large', exact: true }).click();
    await p.page.waitForFunction(() => (document.querySelector('.compare-images') as HTMLElement).dataset.size === 'large');
    assert.deepEqual(await widths(), [420, 420, 420]);
    assert.equal((p.state as ComparePanelState).imageSize, 'large');
    await size.click();
    await size.getByRole('option', { name: 'Natural size', exact: true }).click();
    await p.page.waitForFunction(() => (document.querySelector('.compare-images') as HTMLElement).dataset.size === 'natural');
    assert.deepEqual(await widths(), [160, 160, 160]);

    await p.page.locator('.compare-image[data-run="' + ids[1] + '"] button.image-open').click();
    const viewer = p.page.locator('dialog.image-viewer[open]');
    await viewer.waitFor();
    assert.equal(await viewer.locator('.viewer-title').textContent(), 'confusion_matrix · cnn-wide');
    assert.equal(await viewer.locator('.viewer-step').textContent(), 'step 20 (3/3)');
    await p.page.keyboard.press('Escape');

    // A key logged at one step: no slider.
    const key = p.page.locator('vscode-single-select.image-key');
    await key.click();
    await key.getByRole('option', { name: 'final_samples', exact: true }).click();
    await p.page.locator('[data-section="images"] .image-step', { hasText: /^step 29$/ }).waitFor();
    assert.ok(await p.page.locator('[data-section="images"] input.image-slider').isHidden());
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
