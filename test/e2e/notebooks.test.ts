// Notebooks in a real VS Code: checkpoints on save, compare and restore (with Undo), and the
// sample notebook as a tracked run with its linked checkpoint.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { e2eTest, waitFor } from './harness.ts';
import { repoRoot } from './paths.ts';
import type { VSCode } from './harness.ts';

interface Checkpoint {
  id: string;
  kind: string;
  run?: string;
  restore?: string;
  hash: string;
}

/** Live checkpoints of the workspace's notebooks, oldest first (deleted ones left out). */
function checkpoints(workspace: string): Checkpoint[] {
  const dir = join(workspace, '.trackside', 'checkpoints');
  let keys: string[];
  try {
    keys = readdirSync(dir);
  } catch {
    return [];
  }
  return keys.flatMap((k) => {
    let lines: (Checkpoint & { delete?: string[] })[];
    try {
      lines = readFileSync(join(dir, k, 'checkpoints.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Checkpoint & { delete?: string[] });
    } catch {
      return [];
    }
    const deleted = new Set(lines.flatMap((l) => l.delete ?? []));
    return lines.filter((c) => !c.delete && !deleted.has(c.id));
  });
}

function runIds(workspace: string): string[] {
  try {
    return readdirSync(join(workspace, '.trackside', 'runs')).sort();
  } catch {
    return [];
  }
}

/** Rows of the Notebook Checkpoints view (its header also shows the notebook's name, so vs.view() does not match it). */
async function checkpointRows(vs: VSCode): Promise<Locator> {
  const pane = vs.page.locator('.part.sidebar .pane').filter({ has: vs.page.locator('.pane-header .title', { hasText: /^Notebook Checkpoints$/i }) });
  await pane.locator('.pane-body').waitFor();
  return pane.locator('.monaco-list-row[role="treeitem"]');
}

const codeCellEditors = '.notebook-editor .cell-list-container .cell-editor-container .monaco-editor';

/** Opens the notebook editor on the sample notebook and waits for its code cells' editors. */
async function openNotebook(vs: VSCode): Promise<void> {
  await vs.openFile('notebook.ipynb');
  await vs.page.locator(codeCellEditors).first().waitFor();
}

/** Types at the end of the notebook's first code cell (the imports). */
async function appendToImports(vs: VSCode, text: string): Promise<void> {
  await vs.page.locator(codeCellEditors).first().click();
  await vs.page.keyboard.press('Control+End');
  await vs.page.keyboard.type(text);
}

/** The active tab, showing `name` with `description`, marked read-only. */
function readOnlyTab(vs: VSCode, name: string, description: string | RegExp): Locator {
  return vs.page
    .locator('.tab.active .monaco-icon-label[class*="monaco-decoration-iconBadge"]', { hasText: name })
    .filter({ has: vs.page.locator('.label-description', { hasText: description }) });
}

async function save(vs: VSCode): Promise<void> {
  await vs.page.keyboard.press('Control+S');
}

/** Right-clicks a row and runs a context-menu action (hover first: a click on a menu that just opened is dropped). */
/** Runs a row's context-menu action; with `shows`, until what the action shows is there. */
async function rowMenu(vs: VSCode, row: Locator, action: string, shows?: Locator): Promise<void> {
  const item = (state: string) => vs.page.locator(`.context-view.monaco-menu-container .action-item${state}`).filter({ has: vs.page.locator('.action-label', { hasText: action }) }).first();
  // A view refresh at the moment of the right-click closes the menu it opened, and one while
  // the item is clicked loses the click (nothing happens, as for a user): try again.
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    const opened = await item(':not(.disabled)').waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (opened) {
      await item(':not(.disabled)').hover();
      await item('.focused').waitFor();
      await item(':not(.disabled)').click();
      if (!shows || (await shows.waitFor({ timeout: 10_000 }).then(() => true, () => false))) return;
    }
    if (attempt === 3) throw new Error(`the context menu of the row never ${opened ? `did "${action}"` : `showed "${action}"`}`);
    await vs.page.keyboard.press('Escape');
  }
}

e2eTest('notebook: two saves make two checkpoints; compare with one; restore the first; Undo brings the edit back', async (vs) => {
  const file = join(vs.workspace, 'notebook.ipynb');
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await openNotebook(vs);
  const rows = await checkpointRows(vs);

  await appendToImports(vs, '\n# first edit');
  await save(vs);
  await waitFor(() => checkpoints(vs.workspace).length === 1, { message: 'the first checkpoint' });
  await appendToImports(vs, '\n# second edit');
  await save(vs);
  await waitFor(() => checkpoints(vs.workspace).length === 2, { message: 'the second checkpoint' });
  assert.deepEqual(checkpoints(vs.workspace).map((c) => c.kind), ['auto', 'auto']);
  // Newest first: the second save has the cells of the notebook now, the first one cell less edited.
  await waitFor(async () => (await rows.count()) === 2 && /same cells as now/.test(await rows.nth(0).innerText()) && /1 edited since/.test(await rows.nth(1).innerText()), {
    message: 'two checkpoints in the view, summarised against the notebook',
  });
  const first = rows.nth(1);
  await vs.page.mouse.move(0, 0);
  await vs.screenshot('notebook-checkpoints-view');

  await rowMenu(vs, first, 'Compare Checkpoint with Current', vs.page.locator('.notebook-text-diff-editor').first());
  await vs.page.locator('.notebook-text-diff-editor').getByText('# second edit').first().waitFor();
  await vs.screenshot('notebook-checkpoint-diff');
  await vs.runCommand('View: Close Editor');

  await rowMenu(vs, first, 'Restore Checkpoint');
  await waitFor(() => {
    const text = readFileSync(file, 'utf8');
    return text.includes('# first edit') && !text.includes('# second edit');
  }, { message: 'the file restored to the first checkpoint' });
  await vs.notification(/restored to the checkpoint of/);
  const afterRestore = await waitFor(() => {
    const all = checkpoints(vs.workspace);
    return all.length === 3 ? all : undefined;
  }, { message: 'the checkpoint before the restore' });
  const pre = afterRestore[2];
  assert.equal(pre.kind, 'pre-restore', 'the state before the restore was checkpointed');
  assert.equal(pre.hash, afterRestore[1].hash, 'the pre-restore checkpoint holds the second save');
  await vs.screenshot('notebook-restored');
  // A restore is one entry: the save that wrote the restored content adds none (a manual checkpoint marks the end).
  await vs.runCommand('Trackside: Create Notebook Checkpoint');
  await vs.quickInputType('after restore');
  await waitFor(() => checkpoints(vs.workspace).length === 4, { message: 'the manual checkpoint' });
  assert.deepEqual(checkpoints(vs.workspace).map((c) => c.kind), ['auto', 'auto', 'pre-restore', 'manual']);

  // Undo in the notebook (focus on the cells, not inside a cell's text) reverts the whole restore.
  await vs.runCommand('Notebook: Focus First Cell');
  await vs.page.keyboard.press('Control+Z');
  await vs.page.locator('.notebook-editor').getByText('# second edit').first().waitFor();
  await save(vs);
  await waitFor(() => readFileSync(file, 'utf8').includes('# second edit'), { message: 'the undone restore saved' });
});

e2eTest('notebook: Start Tracked Run executes the sample notebook; its run and linked checkpoint appear', { theme: 'Default Light Modern', testTimeout: 240_000 }, async (vs) => {
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await openNotebook(vs);
  await vs.runCommand('Trackside: Start Tracked Run');
  const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
  await vs.notification(/Running notebook\.ipynb/);
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: 'sys/notebook/cell_seconds', timeout: 120_000 });
  await vs.screenshot('notebook-run-progress');
  const events = await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: /"status":"finished","exit_code":0/, timeout: 150_000 });
  assert.match(events, /"kind":"notebook"/);
  assert.match(events, /"val\/acc"/);

  const linked = await waitFor(() => checkpoints(vs.workspace).find((c) => c.kind === 'run'), { message: 'the run-linked checkpoint' });
  assert.equal(linked.run, id);

  await vs.expandTreeItem('breast-cancer-notebook');
  await vs.waitForTreeItem(/^notebook-[0-9a-f]{6}$/, { description: /val\/\w+ 0\.\d+/ });
  const rows = await checkpointRows(vs);
  await rows.filter({ hasText: /run notebook-[0-9a-f]{6}/ }).first().waitFor();
  await vs.page.mouse.move(0, 0);
  await vs.screenshot('notebook-run-and-checkpoint');
});

e2eTest('notebook: open a checkpoint read-only, restore one cell from it, delete another', { theme: 'Default Light Modern' }, async (vs) => {
  const file = join(vs.workspace, 'notebook.ipynb');
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await openNotebook(vs);
  const rows = await checkpointRows(vs);
  await appendToImports(vs, '\n# kept in the checkpoint');
  await save(vs);
  await waitFor(() => checkpoints(vs.workspace).length === 1, { message: 'the first checkpoint' });
  await appendToImports(vs, '\n# added later');
  await save(vs);
  await waitFor(() => checkpoints(vs.workspace).length === 2, { message: 'the second checkpoint' });
  await waitFor(async () => (await rows.count()) === 2 && /1 edited since/.test(await rows.nth(1).innerText()), { message: 'two checkpoints in the view' });

  // The tab names the checkpoint and carries the read-only lock (an icon badge decoration).
  await rowMenu(vs, rows.nth(1), 'Open Checkpoint', readOnlyTab(vs, 'notebook.ipynb', /checkpoint \d/));
  await vs.page.locator('.notebook-editor').getByText('# kept in the checkpoint').first().waitFor();
  await vs.runCommand('View: Close Editor');

  await rowMenu(vs, rows.nth(1), 'Restore Cell from Checkpoint…', vs.quickPickItem(/^Cell 2: import matplotlib\.pyplot as plt/).first());
  await vs.quickPick(/^Cell 2: import matplotlib\.pyplot as plt/);
  await waitFor(async () => !(await vs.page.locator('.notebook-editor').getByText('# added later').count()), { message: 'the cell restored in the editor' });
  assert.ok(checkpoints(vs.workspace).some((c) => c.kind === 'pre-restore'), 'the file was checkpointed before the cell went back');
  await save(vs);
  await waitFor(() => !readFileSync(file, 'utf8').includes('# added later'), { message: 'the restored cell saved' });
  // Two saves, the state before the cell went back, and the save after it.
  await waitFor(async () => checkpoints(vs.workspace).length === 4 && (await rows.count()) === 4, { message: 'four checkpoints' });

  await rows.nth(0).filter({ hasText: /same cells as now/ }).waitFor();
  const newest = checkpoints(vs.workspace).at(-1)!;
  const dialog = vs.page.locator('.monaco-dialog-box', { hasText: /Delete the checkpoint of/ });
  await rowMenu(vs, rows.nth(0), 'Delete Checkpoint', dialog);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitFor(() => checkpoints(vs.workspace).length === 3, { message: 'the checkpoint deleted from the record' });
  assert.ok(!checkpoints(vs.workspace).some((c) => c.id === newest.id), 'the checkpoint clicked is the one deleted');
  await waitFor(async () => (await rows.count()) === 3, { message: 'one row fewer in the view' });

});

e2eTest('notebook: a failing cell fails the run and offers the executed notebook, read-only', { testTimeout: 240_000 }, async (vs) => {
  copyFileSync(join(repoRoot, 'test/fixtures/notebooks/failing.ipynb'), join(vs.workspace, 'failing.ipynb'));
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await vs.openFile('failing.ipynb');
  await vs.page.locator(codeCellEditors).first().waitFor();
  await vs.runCommand('Trackside: Start Tracked Run');
  const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"status":"failed"', timeout: 120_000 });
  const toast = await vs.notification(/failing\.ipynb: Cell 2 of 3 failed: ZeroDivisionError: division by zero/, { timeout: 60_000 });
  await vs.screenshot('notebook-run-failed');
  await toast.getByRole('button', { name: 'Open Executed Notebook' }).click();
  // Its outputs render in a webview; the tab says which run it is from, and that it is read-only.
  await readOnlyTab(vs, 'failing.ipynb', `run ${id.slice(-6)}`).waitFor();
  await vs.screenshot('notebook-run-failed-executed');
});
