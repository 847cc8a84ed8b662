// Sweeps in a real VS Code: Start Sweep on the sample's sweep file, the queue in the Run
// Explorer, the Sweep panel's charts and importance, the sweep column and filter of the Runs
// Table; a window reload in the middle of a sweep; the run queue of Queue Tracked Run.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { e2eTest, waitFor, type VSCode } from './harness.ts';
import { panel as panelShowing } from './webviews.ts';
import { writeRun } from '../webview/runFixtures.ts';

interface Trial {
  key: number;
  status: string;
  runId?: string;
  value?: number | null;
}
interface Sweep {
  id: string;
  kind?: 'queue';
  status: string;
  trials: Trial[];
}

function sweeps(vs: VSCode): Sweep[] {
  const dir = join(vs.workspace, '.trackside', 'sweeps');
  try {
    return readdirSync(dir).map((id: string) => JSON.parse(readFileSync(join(dir, id, 'sweep.json'), 'utf8')) as Sweep);
  } catch {
    return [];
  }
}

/** Waits until the tree shows the rows in this order (a right-click while they swap lands on the other one). */
async function rowsInOrder(vs: VSCode, labels: RegExp[]): Promise<void> {
  const position = async (label: RegExp) => Number(await vs.treeItem(label).first().getAttribute('aria-posinset', { timeout: 1_000 }).catch(() => NaN));
  await waitFor(async () => {
    const at = await Promise.all(labels.map(position));
    return at.every((p, i) => i === 0 || p > at[i - 1]);
  }, { message: `the rows in the order ${labels.join(', ')}` });
}

function runSpan(vs: VSCode, runId: string): [number, number] {
  const lines = readFileSync(join(vs.workspace, '.trackside', 'runs', runId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: number; type: string });
  return [lines[0].t, lines.filter((e) => e.type === 'status').at(-1)!.t];
}

e2eTest('Start Sweep on the sample sweep file: queued, running and finished trials in the explorer, the Sweep panel paints, the Runs Table filters by sweep', { testTimeout: 420_000 }, async (vs) => {
  // A run of no sweep beside the sweep's.
  writeRun(join(vs.workspace, '.trackside'), { id: '20260101-000000-b1a1b1', name: 'by-hand', experiment: 'breast-cancer', keys: ['val/loss'], steps: 3 });
  await vs.openView('Trackside');
  await vs.openFile('sweep.yaml');
  await vs.runCommand('Trackside: Start Sweep');
  await vs.waitForTreeItem('lr-alpha', { description: /sweep · running/ });
  await vs.waitForTreeItem(/^#6 /, { description: /queued/ });
  await vs.waitForTreeItem(/^#1 lr=0\.001 alpha=0\.0001/, { description: /running|finished/ });
  await vs.screenshot('sweep-queue-dark');
  const done = await waitFor(() => sweeps(vs).find((s) => s.status === 'finished'), { message: 'the sweep to finish', timeout: 360_000 });
  assert.deepEqual(done.trials.map((t) => t.status), Array(6).fill('finished'));
  assert.ok(done.trials.every((t) => typeof t.value === 'number'), 'every trial has its val/loss');
  // Never more than `concurrency: 2` at once, from the runs' own start and end times.
  const spans = done.trials.map((t) => runSpan(vs, t.runId!));
  for (const [start] of spans) assert.ok(spans.filter(([s, e]) => s <= start && e > start).length <= 2);
  await vs.waitForTreeItem('lr-alpha', { description: /finished · 6\/6 done · best val\/loss/ });

  const panel = vs.webviewFrame();
  await panel.locator('.pcp-canvas canvas[data-painted="6"]').waitFor({ timeout: 60_000 });
  await panel.locator('.importance-kind[data-kind="optuna"]').waitFor({ timeout: 60_000 });
  assert.equal(await panel.locator('.importance-bars li').count(), 2);
  assert.match((await panel.locator('.sweep-best').textContent()) ?? '', /Best trial#\d val\/loss/);
  assert.equal(await panel.locator('.scatter canvas').count(), 2);
  await vs.screenshot('sweep-panel-dark');
  await panel.locator('vscode-button', { hasText: 'Compare Top 3' }).click();
  await vs.page.locator('.tab', { hasText: /Compare (3 )?Runs/ }).waitFor();

  // The Runs Table names each run's sweep, and its filter takes the sweep by name. The
  // Compare panel holds the focus (and F1 with it): the sweep file's tab takes it back.
  await vs.page.locator('.tab[data-resource-name="sweep.yaml"]').click();
  await vs.runCommand('Trackside: Open Runs Table');
  const table = await panelShowing(vs, '.vt-head[data-column="sweep"]');
  const count = async () => (await table.locator('.table-count').textContent()) ?? '';
  await waitFor(async () => (await count()) === '7 of 7 runs', { message: 'the six trials and the run of no sweep' });
  const filter = table.locator('.table-filter input');
  await filter.fill('sweep = "lr-alpha"');
  await waitFor(async () => (await count()) === '6 of 7 runs', { message: "the sweep's six runs" });
  const column = await table.locator('.vt-head').evaluateAll((hs) => hs.findIndex((h) => (h as HTMLElement).dataset.column === 'sweep'));
  const cells = await table.locator('.vt-row:not([hidden])').evaluateAll((rows, i) => rows.map((r) => r.children[i]?.textContent), column);
  assert.deepEqual(cells, Array(6).fill('lr-alpha'));
  await vs.screenshot('sweep-runs-table-dark');
  await filter.fill('sweep != "lr-alpha"');
  await waitFor(async () => (await count()) === '1 of 7 runs', { message: 'the run of no sweep' });
});

/** A fast script and its sweep, written into the test's own workspace. */
function quadSweep(vs: VSCode, yaml: string): void {
  copyFileSync(resolve(__dirname, '../fixtures/sweeps/quadratic.py'), join(vs.workspace, 'quadratic.py'));
  writeFileSync(join(vs.workspace, 'quad.sweep.yaml'), yaml);
}

e2eTest('a window reload in the middle of a sweep: the next window follows its running trials and finishes the queue', { theme: 'Default Light Modern', testTimeout: 300_000 }, async (vs) => {
  quadSweep(vs, `program: quadratic.py
method: random
run_cap: 5
seed: 1
args: [--steps, "20", --sleep, "0.2"]
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: -4, max: 4}
  y: {distribution: int_uniform, min: -3, max: 3}
`);
  await vs.openView('Trackside');
  await vs.openFile('quad.sweep.yaml');
  // Its editor's button: the workspace holds the sample's sweep.yaml too.
  await vs.editorTitleAction(/Start Sweep/);
  await waitFor(() => sweeps(vs)[0]?.trials.some((t) => t.status === 'finished') && sweeps(vs)[0].trials.some((t) => t.status === 'queued'), { message: 'a trial finished, others queued', timeout: 120_000 });
  await vs.runCommand('Developer: Reload Window');
  await vs.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const done = await waitFor(() => sweeps(vs).find((s) => s.status === 'finished'), { message: 'the sweep to finish after the reload', timeout: 200_000 });
  assert.deepEqual(done.trials.map((t) => t.status), Array(5).fill('finished'));
  assert.equal(new Set(done.trials.map((t) => t.runId)).size, 5);
  await vs.openView('Trackside');
  await vs.waitForTreeItem('quad', { description: /finished · 5\/5 done/ });
  await vs.screenshot('sweep-reloaded-light');
});

e2eTest('Pause, Resume and Cancel from the explorer; a bad sweep file says where', { theme: 'Default High Contrast', testTimeout: 240_000 }, async (vs) => {
  quadSweep(vs, `program: quadratic.py
method: grid
args: [--steps, "900", --sleep, "0.1"]
parameters:
  x: [1, 2, 3]
`);
  writeFileSync(join(vs.workspace, 'bad.sweep.yaml'), 'program: quadratic.py\nmethod: grd\nparameters:\n  x: [1]\n');
  await vs.openView('Trackside');
  // The title button, not the palette: two sweep files are here, and the palette command reads
  // the extension host's active editor, which may still be the one before.
  await vs.openFile('bad.sweep.yaml');
  await vs.editorTitleAction(/Start Sweep/);
  await vs.notification(/bad\.sweep\.yaml line 2, column 9: method must be grid, random or bayes/);
  assert.equal(sweeps(vs).length, 0);

  await vs.openFile('quad.sweep.yaml');
  await vs.editorTitleAction(/Start Sweep/);
  await vs.waitForTreeItem(/^#1 x=1/, { description: /running/ });
  await vs.contextMenu('quad', 'Pause Sweep');
  await vs.waitForTreeItem('quad', { description: /sweep · paused/ });
  const order = () => sweeps(vs)[0]?.trials.map((t) => t.key).join();
  await steerQueued(vs, /^#3 x=3/, 'Move Up in Queue', () => order() === '1,3,2');
  await rowsInOrder(vs, [/^#1 x=1/, /^#3 x=3/, /^#2 x=2/]);
  await steerQueued(vs, /^#2 x=2/, 'Remove from Queue', () => order() === '1,3');
  await vs.screenshot('sweep-paused-hc');
  await vs.contextMenu('quad', 'Resume Sweep');
  await vs.waitForTreeItem('quad', { description: /sweep · running/ });
  await vs.contextMenu('quad', 'Cancel Sweep');
  const cancelled = await waitFor(() => sweeps(vs).find((s) => s.status === 'cancelled' && s.trials.every((t) => t.status === 'stopped')), { message: 'the sweep cancelled and its trial stopped', timeout: 60_000 });
  assert.deepEqual(cancelled.trials.map((t) => t.key), [1]);
  await vs.waitForTreeItem('quad', { description: /sweep · cancelled/ });
});

/**
 * A queued row's menu action, until `done`. A menu whose row was redrawn while it was open
 * passes no row, and the command asks which one: the same row is picked there.
 */
async function steerQueued(vs: VSCode, row: RegExp, action: string, done: () => boolean): Promise<void> {
  await vs.contextMenu(row, action);
  const asked = vs.quickInput.locator('.quick-input-title', { hasText: action });
  const outcome = await waitFor(async () => (done() ? 'done' : (await asked.isVisible()) && 'asked'), { message: `${action} on ${row}` });
  if (outcome === 'asked') await vs.quickPick(row);
  await waitFor(done, { message: `${action} on ${row} done` });
}

/** A tracked run that holds until the test writes `release` next to it. */
const HOLD = `import os, time
import trackside

run = trackside.init()
while not os.path.exists("release"):
    time.sleep(0.05)
run.log({"loss": 1.0}, step=0)
run.finish()
`;

e2eTest('Queue Tracked Run: runs wait in the run queue and start one at a time; Move Up and Remove on a queued run', { settings: { 'trackside.queue.concurrency': 1 }, testTimeout: 240_000 }, async (vs) => {
  writeFileSync(join(vs.workspace, 'hold.py'), HOLD);
  const queue = () => sweeps(vs).find((s) => s.kind === 'queue');
  await vs.openView('Trackside');
  await vs.openFile('hold.py');
  await vs.runCommand('Trackside: Queue Tracked Run');
  await vs.waitForTreeItem(/^#1 hold\.py$/, { description: /running/ });
  for (const turn of [2, 3]) {
    await vs.runCommand('Trackside: Queue Tracked Run with Parameters…');
    // The parameters' box, not the palette closing before it.
    await vs.quickInput.locator('.quick-input-title', { hasText: 'Queue Tracked Run with Parameters: hold.py' }).waitFor();
    await vs.quickInputType(`turn=${turn}`);
    // Enter waits for the box's validation in the extension host: the palette opened before it lands would cancel the box.
    await vs.waitForTreeItem(new RegExp(`^#${turn} hold\\.py turn=${turn}$`), { description: 'queued' });
  }
  await vs.waitForTreeItem('Run queue', { description: 'queue · running · 1 running · 2 queued' });
  await vs.screenshot('run-queue-dark');
  const order = () => queue()?.trials.map((t) => t.key).join();
  await steerQueued(vs, /^#3 hold\.py/, 'Move Up in Queue', () => order() === '1,3,2');
  await rowsInOrder(vs, [/^#1 hold\.py/, /^#3 hold\.py/, /^#2 hold\.py/]);
  await steerQueued(vs, /^#2 hold\.py/, 'Remove from Queue', () => order() === '1,3');
  assert.equal(queue()!.trials.find((t) => t.key === 3)!.status, 'queued'); // one at a time: #1 still holds it

  writeFileSync(join(vs.workspace, 'release'), '');
  const done = await waitFor(() => queue()?.trials.every((t) => t.status === 'finished') && queue(), { message: 'both queued runs finished', timeout: 120_000 });
  const [first, second] = done.trials.map((t) => runSpan(vs, t.runId!));
  assert.ok(second[0] >= first[1], 'the second run started after the first one ended');
  const started = JSON.parse(readFileSync(join(vs.workspace, '.trackside', 'runs', done.trials[1].runId!, 'events.jsonl'), 'utf8').split('\n')[0]) as { params?: object; sweep?: object };
  assert.deepEqual(started.params, { turn: 3 });
  assert.equal(started.sweep, undefined); // a queued run belongs to no sweep
  await vs.waitForTreeItem('Run queue', { description: 'queue · idle · 2 done' });
});
