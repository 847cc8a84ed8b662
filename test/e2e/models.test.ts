// Models in a real VS Code: a training run logs a model version, an alias is set from the
// Models view, three evaluation runs on more and more shifted data follow; the Model panel
// marks the degraded one and a notification says so; the version is fetched for deployment
// and its files match the manifest's hashes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTest } from './harness.ts';
import { repoRoot } from './paths.ts';

const clientPath = join(repoRoot, 'src', 'python');

/** Runs a sample script in the workspace with Debian's Python and the client on its path. */
function sample(workspace: string, script: string, ...args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: clientPath };
  delete env.TRACKSIDE_HOME;
  delete env.TRACKSIDE_RUN_DIR;
  const child = spawn('/usr/bin/python3', [script, ...args], { cwd: workspace, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((done, fail) =>
    child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`${script} exited ${code}: ${err}`)))),
  );
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

e2eTest(
  'a model version with three evaluations: the degraded one is marked and notified; fetch round trip',
  { testTimeout: 300_000, viewport: { width: 1440, height: 960 } },
  async (vs) => {
    await vs.openView('Trackside');
    const models = await vs.view('Models');
    const row = (label: string | RegExp) =>
      models.locator('.monaco-list-row[role="treeitem"]').filter({ has: vs.page.locator('.label-name', { hasText: label }) }).first();

    assert.match(await sample(vs.workspace, 'train_churn.py', '--rows', '3000'), /churn v1/);
    await row(/^\s*churn\s*$/).waitFor();
    await vs.expandTreeItem('churn');
    await vs.waitForTreeItem('v1', { description: /latest/ });

    await vs.contextMenu('v1', 'Set Model Alias…');
    await vs.quickPick('production');
    await vs.waitForFile('.trackside/models/churn/events.jsonl', { contains: '"production"' });
    await vs.waitForTreeItem('v1', { description: /production/ });

    for (const [month, shift] of [
      ['2024-01', '0'],
      ['2024-02', '0.1'],
      ['2024-03', '1.0'],
    ]) {
      assert.match(await sample(vs.workspace, 'evaluate.py', '--model', 'churn@production', '--month', month, '--shift', shift), /churn v1/);
    }
    const toast = await vs.notification(/"eval-2024-03" of churn v1 degraded/, { timeout: 60_000 });
    assert.match((await toast.textContent()) ?? '', /auc|accuracy|log_loss/);
    await vs.waitForTreeItem('v1', { description: /3 evaluations · 1 degraded/ });
    await vs.runCommand('Notifications: Clear All Notifications');

    await row(/^\s*v1\s*$/).click();
    const frame = vs.webviewFrame();
    const degraded = frame.locator('table.evaluations tr.degraded');
    await degraded.first().waitFor();
    assert.equal(await degraded.count(), 1);
    assert.match((await degraded.textContent()) ?? '', /eval-2024-03/);
    assert.match((await frame.locator('table.evaluations tr.baseline').textContent()) ?? '', /eval-2024-01/);
    const listed = frame.locator('.degradation-list li');
    assert.ok((await listed.count()) >= 2, 'the degraded metrics are listed');
    for (const text of await listed.allTextContents()) assert.match(text, /eval-2024-03/);
    await frame.locator('.chart-card.has-degradation canvas').first().waitFor();
    await frame.locator('.drift-group[open] .drift-major').first().waitFor();
    await vs.screenshot('model-panel-degraded');
    await frame.locator('section.drift').scrollIntoViewIfNeeded();
    await vs.screenshot('model-panel-drift');

    // Fetch for deployment with the CLI; every file matches the manifest and the blob store.
    const out = mkdtempSync(join(tmpdir(), 'trackside-fetch-'));
    try {
      const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'model', 'fetch', 'churn@production', '--to', out], {
        cwd: vs.workspace,
        encoding: 'utf8',
        env: { ...process.env, TRACKSIDE_HOME: undefined },
      });
      assert.equal(r.status, 0, r.stderr);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        model: string;
        version: number;
        run: string;
        hash: string;
        files: { path: string; hash: string; size: number; role: string }[];
      };
      assert.deepEqual([manifest.model, manifest.version], ['churn', 1]);
      assert.deepEqual(manifest.files.map((f) => f.path).sort(), ['code/churn_inference.py', 'weights/model.pkl']);
      for (const f of manifest.files) {
        const data = readFileSync(join(out, f.path));
        assert.deepEqual([sha256(data), data.length], [f.hash, f.size], f.path);
      }
      assert.equal(sha256(readFileSync(join(out, 'code', 'churn_inference.py'))), sha256(readFileSync(join(vs.workspace, 'churn_inference.py'))));
      const record = JSON.parse(readFileSync(join(vs.workspace, '.trackside', 'models', 'churn', 'versions', '1.json'), 'utf8')) as { run: string; hash: string };
      assert.deepEqual([manifest.run, manifest.hash], [record.run, record.hash]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);

e2eTest('Register as Model Version on a run with a model artifact', { theme: 'Default Light Modern', testTimeout: 240_000 }, async (vs) => {
  await vs.openView('Trackside');
  await vs.view('Models');
  await sample(vs.workspace, 'train.py', '--epochs', '3', '--name', 'sgd-baseline');
  await vs.expandTreeItem('breast-cancer');
  await vs.contextMenu('sgd-baseline', 'Register as Model Version…');
  await vs.quickPick('model.pkl');
  await vs.quickInputType('cancer');
  await vs.quickPick('train.py'); // ship the training script's code as the inference code
  await vs.quickInputAccept();
  const toast = await vs.notification(/registered cancer v1/);
  await toast.getByRole('button', { name: 'Open Model' }).click();
  const frame = vs.webviewFrame();
  await frame.locator('h1', { hasText: 'cancer' }).waitFor();
  await frame.locator('p.empty', { hasText: 'No evaluation runs of this version yet' }).waitFor();
  await vs.waitForTreeItem('cancer', { description: /1 version/ });
  const record = JSON.parse(await vs.waitForFile('.trackside/models/cancer/versions/1.json')) as { weights: string; code: { path: string }[]; source: string };
  assert.deepEqual([record.weights, record.code.map((c) => c.path), record.source], ['model.pkl', ['train.py'], 'editor']);
  await vs.screenshot('model-registered-light');
});
