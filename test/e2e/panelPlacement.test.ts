// Where the panels open in a real VS Code: the first beside the code, the rest as tabs of that
// same group; a click in the explorer shows a preview Run panel that the next click reuses,
// a double-click (or an edit in it) keeps it, and all of them come back after a reload.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { e2eTest, waitFor, type VSCode } from './harness.ts';
import { lrSweepRuns, writeRun } from '../webview/runFixtures.ts';
import { panel } from './webviews.ts';

const fixtures = lrSweepRuns(50);

const tab = (vs: VSCode, title: string) => vs.page.locator('.tabs-container .tab', { hasText: title });
const groups = (vs: VSCode) => vs.page.locator('.editor-group-container');
/** Tab titles of each editor group, left to right; preview (italic) ones marked with `~`. */
async function layout(vs: VSCode): Promise<string[][]> {
  return groups(vs).evaluateAll((gs) =>
    gs.map((g) =>
      [...g.querySelectorAll('.tabs-container .tab')].map((t) => (t.querySelector('.monaco-icon-label.italic') ? '~' : '') + (t.getAttribute('aria-label') ?? '').split(',')[0]),
    ),
  );
}

async function focusCode(vs: VSCode): Promise<void> {
  await tab(vs, 'train.py').click();
  await vs.page.locator('.editor-group-container.active .tab.active', { hasText: 'train.py' }).waitFor();
}

async function waitForLayout(vs: VSCode, want: string[][]): Promise<void> {
  let last: string[][] = [];
  await waitFor(
    async () => {
      last = await layout(vs);
      return JSON.stringify(last) === JSON.stringify(want);
    },
    { message: `editor groups ${JSON.stringify(want)}` },
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last seen ${JSON.stringify(last)}`);
  });
}

e2eTest('panels open beside the code as tabs of one group; clicks reuse a preview Run panel', { viewport: { width: 1500, height: 950 } }, async (vs) => {
  for (const f of fixtures) writeRun(join(vs.workspace, '.trackside'), f);
  await vs.waitForActivation();
  await vs.openFile('train.py');
  await vs.openView('Trackside');
  await vs.expandTreeItem('lr-sweep');

  await (await vs.waitForTreeItem('slow')).click();
  await waitForLayout(vs, [['train.py'], ['~Run: slow']]);
  await (await vs.waitForTreeItem('fast')).click();
  await waitForLayout(vs, [['train.py'], ['~Run: fast']]);
  await vs.screenshot('placement-preview');

  await (await vs.waitForTreeItem('steady')).dblclick();
  await waitForLayout(vs, [['train.py'], ['Run: steady']]);
  await (await vs.waitForTreeItem('slow')).click();
  await waitForLayout(vs, [['train.py'], ['Run: steady', '~Run: slow']]);

  // Compare and the Runs Table join that group, also when the code's group is the active one.
  await focusCode(vs);
  await vs.runCommand('Trackside: Open Runs Table');
  await waitForLayout(vs, [['train.py'], ['Run: steady', '~Run: slow', 'Runs Table']]);
  // Loaded, so the focus it takes on opening is spent before the quick pick below (focus
  // arriving later closes the pick).
  // The table's own frame: a Run panel's webview may still count as visible beside it.
  await (await panel(vs, '.table-count')).locator('.table-count', { hasText: /runs/ }).waitFor();
  await focusCode(vs);
  await vs.runCommand('Trackside: Compare Runs');
  await vs.quickPick('fast');
  await vs.quickPick('steady');
  await vs.quickInputAccept();
  await waitForLayout(vs, [['train.py'], ['Run: steady', '~Run: slow', 'Runs Table', 'Compare 2 Runs']]);
  await vs.screenshot('placement-tabs');

  // Pinned and preview panels, Compare and the table all come back after a reload.
  await vs.runCommand('Developer: Reload Window');
  await vs.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await waitForLayout(vs, [['train.py'], ['Run: steady', '~Run: slow', 'Runs Table', 'Compare 2 Runs']]);
  await tab(vs, 'Run: steady').click();
  const run = vs.webviewFrame();
  assert.equal(await run.locator('h1.run-name').textContent({ timeout: 60_000 }), 'steady');
});

e2eTest('a tag added in a preview Run panel keeps the panel open', async (vs) => {
  for (const f of fixtures) writeRun(join(vs.workspace, '.trackside'), f);
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await vs.expandTreeItem('lr-sweep');
  await (await vs.waitForTreeItem('slow')).click();
  await waitForLayout(vs, [['~Run: slow']]);
  const run = vs.webviewFrame();
  const input = run.locator('.tag-input input');
  await input.fill('keep');
  await input.press('Enter');
  await waitForLayout(vs, [['Run: slow']]);
  await (await vs.waitForTreeItem('fast')).click();
  await waitForLayout(vs, [['Run: slow', '~Run: fast']]);
});
