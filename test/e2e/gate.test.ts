// Gate verdicts in a real VS Code: the sample pipeline's steps run from a terminal (v1
// trained and promoted, v2 worse: the gate fails, v3 better: it passes and is promoted); the
// Models view marks each version with its verdict, the Model panel lists the gate history,
// and Open Gate Report shows the Markdown report in VS Code's Markdown preview.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { e2eTest } from './harness.ts';
import { repoRoot } from './paths.ts';

/** A sample script run with Debian's Python (numpy, scikit-learn) and the client on its path. */
function sample(workspace: string, script: string, ...args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(repoRoot, 'src', 'python') };
  delete env.TRACKSIDE_HOME;
  delete env.TRACKSIDE_RUN_DIR;
  const child = spawn('/usr/bin/python3', [script, ...args], { cwd: workspace, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((done, fail) => child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`${script} exited ${code}: ${err}`)))));
}

/** `trackside gate` as a pipeline step: the built CLI, the evaluation run by --evaluate. */
function gate(workspace: string, ...extra: string[]): { code: number | null; stdout: string } {
  const args = ['gate', '--model', 'churn', '--candidate', '@latest', '--baseline', '@production', '--metric', 'auc', '--metric', 'log_loss',
    '--dataset', 'data/test.csv', '--evaluate', '/usr/bin/python3 evaluate.py --model {ref} --data {dataset}', '--max-psi', '0.2', ...extra];
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: workspace, encoding: 'utf8', env: { ...process.env, TRACKSIDE_HOME: undefined, GITHUB_ACTIONS: undefined } });
  return { code: r.status, stdout: r.stdout + r.stderr };
}

e2eTest('gate verdicts on model versions, the gate history, and the report in the Markdown preview', { testTimeout: 300_000, viewport: { width: 1440, height: 960 }, git: true }, async (vs) => {
  await vs.openView('Trackside');
  const models = await vs.view('Models');
  await sample(vs.workspace, 'churn_data.py', 'data/test.csv');
  assert.match(await sample(vs.workspace, 'train_churn.py', '--rows', '600', '--alias', 'production'), /churn v1/);
  assert.match(await sample(vs.workspace, 'train_churn.py', '--rows', '150'), /churn v2/);
  const worse = gate(vs.workspace);
  assert.equal(worse.code, 1, worse.stdout);
  assert.match(await sample(vs.workspace, 'train_churn.py', '--rows', '5000'), /churn v3/);
  const better = gate(vs.workspace, '--promote', 'production');
  assert.equal(better.code, 0, better.stdout);

  await vs.waitForTreeItem('churn', { description: /production v3/, timeout: 60_000 });
  await vs.expandTreeItem('churn');
  const v2 = await vs.waitForTreeItem('v2', { description: /gate failed/ });
  const v3 = await vs.waitForTreeItem('v3', { description: /production.*gate passed/ });
  await v2.locator('.codicon-error').waitFor();
  await v3.locator('.codicon-pass-filled').waitFor();
  await vs.waitForTreeItem('v1', { description: /^1 evaluation$/ }); // the baseline of both gates, judged by none

  // The tooltip gives the verdict and its reasons.
  const hover = await vs.tooltip(v2, 'Gate failed');
  // (the hover may render spaces as no-break spaces: \s matches both)
  assert.match((await hover.textContent()) ?? '', /against\sv1\s\(@production\).*auc\sfell:\s-0\.015/s);
  await vs.page.keyboard.press('Escape');

  await models.locator('.monaco-list-row[role="treeitem"]').filter({ has: vs.page.locator('.label-name', { hasText: /^\s*v3\s*$/ }) }).first().click();
  const panel = vs.webviewFrame();
  const rows = panel.locator('table.gates tr.gate-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match((await rows.first().textContent()) ?? '', /✓ passed.*v1 \(@production\).*auc \+0\.00787.*production.*[0-9a-f]{10}/);
  await panel.locator('section.gate-history').scrollIntoViewIfNeeded();
  await vs.screenshot('model-panel-gate-history');

  await vs.contextMenu('v3', 'Open Gate Report');
  const preview = vs.webviewFrame('vscode.markdown-language-features');
  await preview.locator('h2', { hasText: 'Trackside gate passed: churn v3 (latest) is at least as good as v1 (production)' }).waitFor({ timeout: 60_000 });
  const table = preview.locator('table').first();
  assert.match((await table.textContent()) ?? '', /auc.*higher.*0\.81938.*0\.82725.*\+0\.007871.*pass/s);
  assert.match((await preview.locator('body').textContent()) ?? '', /Promoted: churn@production → v3 \(was v1\)\./);
  await vs.screenshot('gate-report-preview');
  // The history charts are Mermaid (GitHub draws them; this preview shows their source).
  const footer = preview.locator('sub').last();
  await footer.scrollIntoViewIfNeeded();
  assert.match((await footer.textContent()) ?? '', /^Trackside gate \(compare\) · .* UTC · commit [0-9a-f]{12}$/);
  await vs.screenshot('gate-report-preview-end');

  await vs.runCommand('View: Close All Editors');
  await vs.runCommand('Trackside: Open Gate Report');
  await vs.quickPick(/v2 failed/);
  await preview.locator('h2', { hasText: 'Trackside gate failed: churn v2 (latest) is worse than v1 (production)' }).waitFor({ timeout: 60_000 });
  assert.match((await preview.locator('ul').first().textContent()) ?? '', /auc fell: -0\.01521/);
  await vs.screenshot('gate-report-preview-failed');
});
