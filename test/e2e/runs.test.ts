// Tracked runs from the editor, in a real VS Code: start, watch, stop, rename, tag, and runs
// that appear from outside the editor.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { e2eTest, waitFor } from './harness.ts';

const clientPath = resolve(__dirname, '../../src/python');

function runIds(workspace: string): string[] {
  try {
    return readdirSync(join(workspace, '.trackside', 'runs')).sort();
  } catch {
    return [];
  }
}

function events(workspace: string, id: string): Record<string, unknown>[] {
  return readFileSync(join(workspace, '.trackside', 'runs', id, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

e2eTest('Start Tracked Run on the sample script: run appears, finishes with its metric; rename and tag it', async (vs) => {
  await vs.openView('Trackside');
  await vs.openFile('train.py');
  await vs.runCommand('Trackside: Start Tracked Run');
  const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"running"' });
  const start = events(vs.workspace, id).find((e) => e.type === 'run' && e.source === 'editor') as Record<string, unknown>;
  assert.ok(Array.isArray(start.command) && String(start.command[1]).endsWith('train.py'));
  assert.ok(events(vs.workspace, id).some((e) => e.type === 'code'), 'a code snapshot was recorded before the run');

  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"finished"', timeout: 120_000 });
  await vs.expandTreeItem('breast-cancer');
  const item = await vs.waitForTreeItem(/^train-/, { description: /val\/loss 0\.\d+/ });
  await item.locator('.codicon-pass').waitFor(); // finished runs show the pass icon
  await vs.screenshot('runs-finished-dark');

  await vs.contextMenu(/^train-/, 'Rename Run…');
  await vs.quickInputType('baseline');
  await vs.waitForTreeItem('baseline');
  await vs.contextMenu('baseline', 'Edit Tags…');
  await vs.quickInputType('sklearn, <b>bold</b>');
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '<b>bold</b>' });
  const tags = events(vs.workspace, id).filter((e) => e.type === 'tags');
  assert.ok((tags.at(-1)?.add as string[]).includes('<b>bold</b>'));
  assert.ok(!((tags.at(-1)?.remove as string[] | undefined) ?? []).includes('sklearn'), 'typed tags are kept');
  assert.ok(events(vs.workspace, id).some((e) => e.type === 'rename' && e.name === 'baseline'));
  await vs.screenshot('runs-renamed-dark');
});

e2eTest('a long run shows in the status bar and stops from the explorer', { theme: 'Default Light Modern' }, async (vs) => {
  await vs.openView('Trackside');
  await vs.openFile('long_train.py');
  await vs.runCommand('Trackside: Start Tracked Run');
  const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
  await vs.page.locator('.statusbar-item', { hasText: '1 run' }).waitFor();
  await vs.expandTreeItem('long');
  await vs.waitForTreeItem(/^long_train-/, { description: /loss/ });
  await vs.screenshot('runs-running-light');
  await vs.contextMenu(/^long_train-/, 'Stop Run');
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"stopped"', timeout: 30_000 });
  const item = await vs.waitForTreeItem(/^long_train-/);
  await item.locator('.codicon-debug-stop').waitFor();
  await vs.page.locator('.statusbar-item', { hasText: '1 run' }).waitFor({ state: 'detached' });
});

e2eTest('a run started from a terminal appears in the explorer', { theme: 'Default High Contrast' }, async (vs) => {
  await vs.openView('Trackside');
  await vs.view('Runs');
  const child = spawn('/usr/bin/python3', ['-c', [
    'import trackside, time',
    'run = trackside.init(name="from-terminal", experiment="outside")',
    'run.log({"loss": 0.5})',
    'run.finish()',
  ].join('\n')], { cwd: vs.workspace, env: { ...process.env, PYTHONPATH: clientPath }, stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  await vs.expandTreeItem('outside');
  await vs.waitForTreeItem('from-terminal', { description: /loss 0\.5/ });
  await vs.screenshot('runs-outside-hc');
});

e2eTest('a run survives a window reload: re-attached, still stoppable', async (vs) => {
  await vs.openView('Trackside');
  await vs.openFile('long_train.py');
  await vs.runCommand('Trackside: Start Tracked Run');
  const id = await waitFor(() => runIds(vs.workspace)[0], { message: 'a run folder' });
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"metrics"' });
  await vs.page.locator('.statusbar-item', { hasText: '1 run' }).waitFor();

  await vs.runCommand('Developer: Reload Window');
  await vs.page.locator('.statusbar-item', { hasText: '1 run' }).waitFor({ timeout: 60_000 });
  await vs.openView('Trackside');
  await vs.expandTreeItem('long');
  await vs.contextMenu(/^long_train-/, 'Stop Run');
  await vs.waitForFile(`.trackside/runs/${id}/events.jsonl`, { contains: '"stopped"', timeout: 30_000 });
  const statuses = events(vs.workspace, id).filter((e) => e.type === 'status').map((e) => e.status);
  assert.ok(!statuses.includes('crashed'), `a live run is re-attached, not marked crashed (${statuses.join(', ')})`);
  assert.ok(events(vs.workspace, id).filter((e) => e.type === 'metrics').length > 1, 'logging went on through the reload');
});
