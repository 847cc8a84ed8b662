// The Run Explorer's Filter Runs… prompt in a real VS Code: it shows examples of the query
// language, refuses an invalid query with its error (the tree stays as it was), and a valid
// query lists what the CLI would.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { e2eTest } from './harness.ts';
import { lrSweepRuns, writeRun } from '../webview/runFixtures.ts';

const fixtures = lrSweepRuns(20, [2]);

e2eTest('Filter Runs…: examples in the prompt, an invalid query refused with its error, a query filters the tree', async (vs) => {
  for (const f of fixtures) writeRun(join(vs.workspace, '.trackside'), f);
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await vs.expandTreeItem('lr-sweep');
  await vs.waitForTreeItem('steady');

  await vs.runCommand('Trackside: Filter Runs…');
  const widget = vs.page.locator('.quick-input-widget');
  const box = widget.locator('.quick-input-box input');
  await widget.getByText(/params\.lr > 0\.01/).first().waitFor();
  await box.fill('params.lr >');
  await widget.locator('.quick-input-message', { hasText: 'Query error at column 12: expected a value, found end of query' }).waitFor();
  await box.press('Enter');
  await vs.screenshot('explorer-filter-error');
  assert.ok(await widget.isVisible(), 'an invalid query is not accepted');
  assert.ok(await vs.treeItem('slow').isVisible(), 'the tree keeps its runs');

  await box.fill('params.lr > 0.015 or tag:baseline');
  await box.press('Enter');
  await vs.expandTreeItem('lr-sweep');
  await vs.waitForTreeItem('fast');
  await vs.waitForTreeItem('steady');
  await vs.treeItem('slow').waitFor({ state: 'detached' });
  await (await vs.view('Runs')).getByText('Filter: params.lr > 0.015 or tag:baseline').waitFor();
});
