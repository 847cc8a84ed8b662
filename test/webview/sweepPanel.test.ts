// The Sweep panel webview in Chromium: the parallel-coordinates chart and scatters paint,
// brushing an axis filters the trials, importance is labelled by how it was worked out, and
// the best trial's buttons ask the host to open and compare runs; three themes looked at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SweepFromWebview, SweepToWebview } from '../../src/protocol/sweepPanel';
import { Harness, THEMES, type PanelPage } from './harness';
import { sweepView } from './sweepFixture';

let h: Harness;
before(async () => {
  h = await Harness.start();
});
after(() => h.stop());

type Page = PanelPage<SweepToWebview, SweepFromWebview>;

async function open(theme: (typeof THEMES)[number] = 'dark'): Promise<Page> {
  const p: Page = await h.open<SweepToWebview, SweepFromWebview>('sweep', { theme, state: { sweepId: '20240101-000000-abcdef' } });
  await p.waitForMessage('ready');
  await p.post({ type: 'sweep', sweep: sweepView() });
  await p.page.locator('.pcp-canvas canvas[data-painted="6"]').waitFor();
  return p;
}

test('paints every finished trial, the best one, scatters and labelled importance; text from data stays text', async () => {
  const p = await open();
  assert.equal(await p.page.locator('h1').textContent(), 'Sweep: lr-opt <b>sweep</b>');
  assert.match((await p.page.locator('.sweep-best').textContent()) ?? '', /Best trial#3 val\/loss 0 · lr=0\.01, opt=adam/);
  assert.equal(await p.page.locator('.scatter canvas').count(), 2);
  assert.equal(await p.page.locator('.importance-kind[data-kind="rank"]').count(), 1);
  assert.match((await p.page.locator('.importance').textContent()) ?? '', /Rank correlation.*Optuna is not installed/);
  assert.deepEqual(await p.page.locator('.importance-name').allTextContents(), ['opt', 'lr']);
  await p.page.locator('vscode-button', { hasText: 'Open Run' }).click();
  await p.page.locator('vscode-button', { hasText: 'Compare Top 3' }).click();
  await p.waitForMessage('compare');
  assert.deepEqual(p.received.find((m) => m.type === 'openRun'), { type: 'openRun', runId: '20240101-000003-abcdef' });
  assert.equal((p.received.find((m) => m.type === 'compare') as { runIds: string[] }).runIds.length, 3);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.cspViolations, []);
  await p.close();
});

test('brushing the metric axis keeps only the trials in that range, kept in the state', async () => {
  const p = await open();
  const box = (await p.page.locator('.pcp-canvas canvas').boundingBox())!;
  // The metric is the last axis, at the right edge of the chart area.
  const axes = JSON.parse((await p.page.locator('.pcp-canvas canvas').getAttribute('data-axes'))!) as number[];
  assert.equal(axes.length, 3);
  const x = box.x + axes[2];
  await p.page.mouse.move(x, box.y + box.height * 0.6);
  await p.page.mouse.down();
  await p.page.mouse.move(x, box.y + box.height * 0.95, { steps: 4 });
  await p.page.mouse.up();
  const brush = (p.state as { brush: Record<string, [number, number]> }).brush;
  assert.deepEqual(Object.keys(brush), ['metric:val/loss']);
  const note = (await p.page.locator('.brush-note').textContent()) ?? '';
  const [, shown, total] = /(\d+) of (\d+) trials inside/.exec(note)!;
  assert.equal(total, '6');
  assert.ok(Number(shown) > 0 && Number(shown) < 6, note);
  await p.page.locator('.pcp-canvas canvas').dblclick();
  await p.page.locator('.brush-note', { hasText: 'Drag along an axis' }).waitFor();
  await p.close();
});

test('screenshots in three themes', async () => {
  for (const theme of THEMES) {
    const p = await open(theme);
    await p.screenshot(`sweep-panel-${theme}`, { fullPage: true });
    assert.deepEqual(p.errors, []);
    await p.close();
  }
});
