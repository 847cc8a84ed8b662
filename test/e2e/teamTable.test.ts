// The team index's runs and models in a real VS Code against a real PostgreSQL: a teammate
// trains with the Python client in another workspace, registers a model version, points an
// alias at it and pushes with the CLI. Here, once connected, the Team Runs Table lists the
// team's runs and filters them by a query (compiled for PostgreSQL), opens one in a Run panel
// that shows its tags and note read only; the Models view lists the team's model with its
// alias, read only, and its version opens the training run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { e2eTest } from './harness.ts';
import { repoRoot } from './paths.ts';
import { waitFor } from './wait.ts';
import { cli, run, startTeammate } from './teammate.ts';
import { panel } from './webviews.ts';

const PASSWORD = 'carol-e2e-pw-5d21';
const blobs = mkdtempSync(join(tmpdir(), 'trackside-e2e-teamtable-blobs-'));
process.on('exit', () => rmSync(blobs, { recursive: true, force: true }));

const TRAIN = `
import sys, trackside
name, lr = sys.argv[1], float(sys.argv[2])
run = trackside.init(name=name, experiment="fraud", params={"lr": lr}, tags=["nightly"], notes="tried by a teammate")
for step in range(50):
    run.log({"val/loss": lr / (step + 1), "train/loss": 2 * lr / (step + 1)}, step=step)
if name == "fraud-best":
    with open("model.pt", "w") as f:
        f.write("weights")
    run.log_model("model.pt", "fraud-model")
run.finish()
`;

e2eTest(
  'Team Runs Table and the Models view on team runs: filter by a query, open a team run read only; the team model and its alias',
  { settings: { 'trackside.team.blobs': blobs }, testTimeout: 300_000, viewport: { width: 1440, height: 900 } },
  async (vs) => {
    const teammate = await startTeammate('carol', PASSWORD, blobs);
    try {
      const { url, folder } = teammate;
      writeFileSync(join(folder, 'train.py'), TRAIN);
      const python = { PYTHONPATH: join(repoRoot, 'src', 'python') };
      run(folder, '/usr/bin/python3', ['train.py', 'fraud-small', '0.01'], python);
      run(folder, '/usr/bin/python3', ['train.py', 'fraud-best', '0.3'], python);
      cli(folder, ['model', 'alias', 'fraud-model', 'production', '1']);
      teammate.push();
      const me = userInfo().username;

      await vs.waitForActivation();
      await vs.openView('Trackside');
      await vs.runCommand('Trackside: Connect to Team Index…');
      await vs.quickInputType(url);
      await vs.quickInputType(PASSWORD);
      await vs.notification(/connected to the team index at carol@127\.0\.0\.1:\d+\/team/);

      // The Team Runs Table: the team's runs, their params and metrics; a query picks one.
      await vs.runCommand('Trackside: Open Team Runs Table');
      const table = await panel(vs, '.vt-row');
      await waitFor(async () => (await table.locator('.table-count').textContent()) === '2 of 2 runs', { message: 'both team runs in the table' });
      const names = async () =>
        table.locator('.vt-row:not([hidden])').evaluateAll((rows) =>
          rows.sort((a, b) => Number((a as HTMLElement).dataset.pos) - Number((b as HTMLElement).dataset.pos)).map((r) => r.firstElementChild?.textContent),
        );
      await table.locator('.vt-head[data-column="p:lr"]').waitFor();
      await table.locator('.table-filter input').fill('params.lr > 0.1 and metrics.val/loss.min < 0.01');
      await waitFor(async () => (await table.locator('.table-count').textContent()) === '1 of 2 runs', { message: 'one team run matches' });
      assert.deepEqual(await names(), [`fraud-best (${me})`]);
      await table.locator('.table-filter input').fill('params.lr >');
      await table.locator('.filter-error', { hasText: 'expected a value' }).waitFor();
      await table.locator('.table-filter input').fill('tag:nightly and name ~ "small"');
      await waitFor(async () => JSON.stringify(await names()) === JSON.stringify([`fraud-small (${me})`]), { message: 'the other team run matches' });
      assert.equal(await table.locator('.table-count').textContent(), '1 of 2 runs');
      await vs.screenshot('team-runs-table');

      // The team run in the Run panel: tags and note shown, no controls to edit them.
      await table.locator('.vt-row[data-pos="0"]').dblclick();
      const runPanel = await panel(vs, '.run-edited-elsewhere');
      assert.equal(await runPanel.locator('h1.run-name').textContent(), `fraud-small (${me})`);
      assert.match((await runPanel.locator('.run-edited-elsewhere').textContent()) ?? '', /pushed by .+: its tags, note and name are edited there/);
      assert.deepEqual(await runPanel.locator('.run-tags .tag-text').allTextContents(), ['nightly']);
      assert.equal(await runPanel.locator('.note-text').textContent(), 'tried by a teammate');
      assert.equal(await runPanel.locator('.run-tags vscode-textfield, .tag-remove, .run-note vscode-button').count(), 0);
      await vs.screenshot('team-run-read-only');

      // The Models view: the team's model with its alias, read only; its version opens the training run.
      await vs.view('Models');
      await vs.expandTreeItem('Team');
      await vs.expandTreeItem('fraud-model');
      await vs.waitForTreeItem('fraud-model', { description: /1 version · production v1/ });
      const version = await vs.waitForTreeItem('v1', { description: new RegExp(`latest, production · 0 evaluations · pushed by ${me}`) });
      await version.click();
      const shownRun = async () => (await (await panel(vs, 'h1.run-name')).locator('h1.run-name').textContent()) ?? '';
      await waitFor(async () => (await shownRun()) === `fraud-best (${me})`, { message: 'the version opens its training run' });
      await vs.screenshot('team-models');
    } finally {
      teammate.stop();
    }
  },
);
