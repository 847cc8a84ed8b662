// The team index in a real VS Code against a real PostgreSQL the test starts: a teammate's
// run, pushed from another workspace with the CLI, shows in the Team Runs view once connected
// (the password typed once, kept in secret storage and in no settings file or log), opens in
// the Run panel, is compared with a local run in one Compare panel; a local run is pushed from
// the editor and the view lists it as the team index gets it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { writeRun } from '../webview/runFixtures.ts';
import { e2eTest } from './harness.ts';
import { startTeammate } from './teammate.ts';
import { panel } from './webviews.ts';

const PASSWORD = 'alice-e2e-pw-93c1';
const blobs = mkdtempSync(join(tmpdir(), 'trackside-e2e-team-blobs-'));
process.on('exit', () => rmSync(blobs, { recursive: true, force: true }));

/** The file, or the files under the folder, whose bytes hold `needle`. */
function filesHolding(path: string, needle: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return readFileSync(path).includes(needle) ? [path] : [];
  const out: string[] = [];
  for (const e of readdirSync(path, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isFile() && statSync(p).size < 50_000_000 && readFileSync(p).includes(needle)) out.push(p);
  }
  return out;
}

e2eTest(
  'Team Runs: connect once, a teammate’s run opens in the Run panel and compares with a local run; Push to Team Index',
  { settings: { 'trackside.team.blobs': blobs }, testTimeout: 300_000, viewport: { width: 1440, height: 900 } },
  async (vs) => {
    const teammate = await startTeammate('alice', PASSWORD, blobs);
    try {
      const url = teammate.url;
      const base = { keys: ['val/loss'], steps: 500, status: 'finished' as const };
      writeRun(teammate.store, { ...base, id: '20240301-000000-team01', name: 'teammate-run', experiment: 'fraud', params: { lr: 0.1 }, seed: 1 });
      teammate.push();
      writeRun(join(vs.workspace, '.trackside'), { ...base, id: '20240302-000000-local1', name: 'local-run', experiment: 'churn', params: { lr: 0.01 }, seed: 2 });

      await vs.waitForActivation();
      await vs.openView('Trackside');
      const team = await vs.view('Team Runs');
      await team.getByText('Connect to Team Index…').first().waitFor();
      await vs.runCommand('Trackside: Connect to Team Index…');
      await vs.quickInputType(url);
      await vs.quickInputType(PASSWORD);
      await vs.notification(/connected to the team index at alice@127\.0\.0\.1:\d+\/team \(push and read\)/);

      // The teammate's run, under its experiment and who pushed it.
      await vs.expandTreeItem('fraud');
      await vs.expandTreeItem(userInfo().username);
      await vs.clickTreeItem('teammate-run', vs.webviewFrame().locator('h1.run-name'), { description: /val\/loss/ });
      const run = await panel(vs, 'h1.run-name');
      assert.equal(await run.locator('h1.run-name').textContent(), `teammate-run (${userInfo().username})`);
      await run.locator('.chart-card[data-key="val/loss"][data-painted]').waitFor();
      await vs.screenshot('team-run-panel');

      // One Compare panel with the team run and a local one.
      await vs.contextMenu('teammate-run', 'Compare with Local Runs…');
      await vs.quickPick('local-run');
      await vs.quickInputAccept();
      const cmp = await panel(vs, '.legend-name');
      await cmp.locator('.chart-card[data-key="val/loss"][data-painted]').waitFor();
      assert.deepEqual(await cmp.locator('.legend-name').allTextContents(), [`teammate-run (${userInfo().username})`, 'local-run']);
      assert.equal(await cmp.locator('.params-diff tbody tr').count(), 1, 'lr differs');
      await vs.screenshot('team-compare');

      // Push a local run from the Runs view: the team index has it, and the Team Runs view lists it.
      await vs.expandTreeItem('churn');
      await vs.contextMenu('local-run', 'Push to Team Index');
      await vs.notification(/Pushed 1 run\(s\) \(\d+ event\(s\), 500 metric point\(s\)/);
      assert.equal(teammate.cluster.psql("SELECT name FROM trackside.runs WHERE id = '20240302-000000-local1'"), 'local-run');
      await team.locator('.monaco-list-row .label-name', { hasText: /^churn$/ }).waitFor();

      // The password is in no settings file and no log.
      const settingsFiles = [join(vs.workspace, '.vscode'), join(vs.profile.userDataDir, 'User', 'settings.json')];
      assert.match(readFileSync(join(vs.workspace, '.vscode', 'settings.json'), 'utf8'), /"trackside\.team\.url": "postgres:\/\/alice@127\.0\.0\.1/);
      const leaks = [...settingsFiles, join(vs.profile.userDataDir, 'logs')].flatMap((p) => filesHolding(p, PASSWORD));
      assert.deepEqual(leaks, []);
    } finally {
      teammate.stop();
    }
  },
);
