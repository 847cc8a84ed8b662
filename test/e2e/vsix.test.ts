// Trackside installed as users install it: `npm run package` makes one VSIX without native
// modules; code-server installs it with --install-extension into a fresh extensions folder.
// On a VS Code whose extension host has node:sqlite, a tracked run of the sample is listed
// and its Run panel paints charts; on one without (1.100, Node 20), the Runs view says why
// and how to fix it, never "no runs".
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { vscodeVersion } from './code-server.ts';
import { e2eTest, waitFor } from './harness.ts';
import { repoRoot } from './paths.ts';

const vsix = join(repoRoot, 'dist', 'trackside.vsix');
const hasBuiltinSqlite = vscodeVersion() !== '1.100.3';

function runIds(workspace: string): string[] {
  try {
    return readdirSync(join(workspace, '.trackside', 'runs')).sort();
  } catch {
    return [];
  }
}

if (hasBuiltinSqlite) {
  e2eTest('from the VSIX: Start Tracked Run on the sample, the run is listed, its Run panel paints charts', { vsix, testTimeout: 300_000 }, async (vs) => {
    await vs.waitForActivation();
    await vs.openView('Trackside');
    await vs.openFile('train.py');
    await vs.runCommand('Trackside: Start Tracked Run');
    const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
    await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"finished"', timeout: 120_000 });
    await vs.expandTreeItem('breast-cancer');
    const run = vs.webviewFrame();
    await vs.clickTreeItem(/^train-/, run.locator('.chart-card[data-key="val/loss"][data-painted]'), { description: /val\/loss 0\.\d+/ });
    assert.ok((await run.locator('.chart-card[data-painted]').count()) >= 3, 'charts of the run are painted');
    // The final score, logged once, is a value in the Summary strip, not an empty chart.
    assert.match((await run.locator('.summary-card[data-key="val/auc"] .summary-value').textContent()) ?? '', /^0\.\d+$/);
    await vs.screenshot('vsix-run-panel');
    await waitFor(() => /Index engine: node:sqlite \(built in\), SQLite 3\.\d+/.test(vs.extensionHostLog()), { message: 'the engine named in the log' });
  });
} else {
  e2eTest('from the VSIX on a VS Code without node:sqlite: the Runs view says why and to update, not "no runs"', { vsix }, async (vs) => {
    await vs.waitForActivation();
    await vs.openView('Trackside');
    const runs = await vs.view('Runs');
    await runs.getByText(/cannot read its run index.*Update VS Code to 1\.101 or later/).waitFor();
    await runs.getByRole('button', { name: 'Show Log' }).waitFor();
    assert.equal(await runs.getByText('No tracked runs in this workspace yet.').count(), 0);
    await waitFor(() => /no SQLite engine loads in this extension host \(Node 20\./.test(vs.extensionHostLog()), { message: 'why, in the log' });
    await vs.screenshot('vsix-no-engine');
  });
}
