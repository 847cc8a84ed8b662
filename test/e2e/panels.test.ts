// The Run, Compare and Runs Table panels in a real VS Code: opened from the Run Explorer and
// the palette, a running run's chart growing as the Python client flushes, two runs compared,
// the table sorted and filtered. Prints how long a flushed point takes to show.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { e2eTest, waitFor, type VSCode } from './harness.ts';
import { writeRun, type FixtureRun } from '../webview/runFixtures.ts';
import { chooseTab, panel } from './webviews.ts';

const clientPath = resolve(__dirname, '../../src/python');

const fixtures: FixtureRun[] = ['baseline', 'wider', 'deeper', 'no-aug', 'long-warmup', 'tiny'].map((name, i) => ({
  id: `20240201-0${i}0000-e2e00${i}`,
  name,
  experiment: 'mnist',
  status: (['finished', 'finished', 'failed', 'finished', 'stopped', 'finished'] as const)[i],
  seed: i,
  start: Date.UTC(2024, 1, 1 + i),
  params: { lr: [0.1, 0.05, 0.1, 0.01, 0.1, 0.2][i], hidden: [128, 512, 128, 128, 256, 32][i] },
  keys: ['train/loss', 'val/loss', 'val/acc'],
  steps: 2000,
  images: i === 0 ? [{ key: 'samples', steps: [0, 1000] }] : [],
  artifacts: [{ name: 'model.pt', content: `m${i}` }],
  code: [{ path: 'train.py', content: `print(${i})` }],
  tags: i === 0 ? ['baseline'] : [],
}));

function addFixtures(vs: VSCode): void {
  for (const f of fixtures) writeRun(join(vs.workspace, '.trackside'), f);
}

async function openExperiment(vs: VSCode): Promise<void> {
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await vs.expandTreeItem('mnist');
}

e2eTest('Open Run from the explorer: header, charts from buckets, images from the blob store', async (vs) => {
  addFixtures(vs);
  await openExperiment(vs);
  await vs.contextMenu('baseline', 'Open Run');
  const run = await panel(vs, '.chart-card[data-key="val/acc"][data-painted]');
  assert.equal(await run.locator('h1.run-name').textContent(), 'baseline');
  // Charts below the fold paint when idle: wait for this one's own paint.
  const loss = run.locator('.chart-card[data-key="val/loss"][data-painted]');
  await loss.waitFor();
  const points = Number(await loss.getAttribute('data-points'));
  assert.ok(points > 0 && points <= 4 * 1000, `${points} points drawn`);
  await vs.screenshot('panels-run-dark');
  await chooseTab(run, 'images');
  const img = run.locator('.image-card img');
  await img.waitFor();
  await waitFor(() => img.evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth === 32), { message: 'the logged image to load from the blob store' });
  await vs.screenshot('panels-run-images-dark');
});

e2eTest("a running run's chart grows as the client flushes", { testTimeout: 240_000 }, async (vs) => {
  await vs.waitForActivation();
  await vs.openView('Trackside');
  const script = [
    'import math, time, trackside',
    'run = trackside.init(name="live-run", experiment="live", params={"lr": 0.1})',
    'for step in range(400):',
    '    run.log({"loss": math.exp(-step / 80)}, step=step)',
    '    time.sleep(0.1)',
    'run.finish()',
  ].join('\n');
  const child = spawn('/usr/bin/python3', ['-c', script], { cwd: vs.workspace, env: { ...process.env, PYTHONPATH: clientPath }, stdio: 'ignore' });
  try {
    await vs.expandTreeItem('live');
    await vs.contextMenu('live-run', 'Open Run');
    const run = await panel(vs, '.chart-card[data-key="loss"][data-painted]', 60_000);
    const card = run.locator('.chart-card[data-key="loss"]');
    const lastShown = () => card.evaluate((e) => {
      const d = (e as HTMLElement & { tracksideChart?: { data: { datasets: { data: { x: number }[] }[] } } }).tracksideChart?.data.datasets[0].data;
      return d?.length ? d[d.length - 1].x : -1;
    });
    const id = (await run.locator('h1.run-name').getAttribute('title'))!; // the header names the run id
    const log = join(vs.workspace, '.trackside', 'runs', id, 'events.jsonl');
    // When each step first appeared in the file, and when it first showed in the chart.
    const inFile = new Map<number, number>();
    const shown = new Map<number, number>();
    let size = 0;
    const start = await lastShown();
    const deadline = performance.now() + 120_000;
    while (shown.size < 40) {
      assert.ok(performance.now() < deadline, `only ${shown.size} live points showed`);
      const now = performance.now();
      const s = statSync(log).size;
      if (s !== size) {
        size = s;
        for (const line of readFileSync(log, 'utf8').split('\n')) {
          if (!line.includes('"metrics"')) continue;
          const step = (JSON.parse(line) as { step: number }).step;
          if (!inFile.has(step)) inFile.set(step, now);
        }
      }
      const last = await lastShown();
      for (const [step] of inFile) if (step <= last && step > start && !shown.has(step)) shown.set(step, performance.now());
    }
    const delays = [...shown].map(([step, t]) => t - inFile.get(step)!).sort((a, b) => a - b);
    const median = delays[delays.length >> 1];
    console.log(`live: a flushed point showed in the Run panel after median ${Math.round(median)} ms, max ${Math.round(delays[delays.length - 1])} ms (${delays.length} points)`);
    assert.ok(delays.length >= 40);
    await vs.screenshot('panels-run-live-dark');
  } finally {
    child.kill('SIGKILL');
  }
});

e2eTest('Compare Runs on two runs selected in the explorer', { theme: 'Default Light Modern' }, async (vs) => {
  addFixtures(vs);
  await openExperiment(vs);
  await (await vs.waitForTreeItem('baseline')).click();
  await (await vs.waitForTreeItem('deeper')).click({ modifiers: ['Control'] });
  await vs.contextMenu('deeper', 'Compare Runs');
  // Clicking a run opens its Run panel too: look for the panel with a legend.
  const cmp = await panel(vs, '.legend-name');
  await cmp.locator('.chart-card[data-key="val/loss"][data-painted]').waitFor();
  assert.deepEqual(await cmp.locator('.legend-name').allTextContents(), ['baseline', 'deeper']);
  assert.equal(await cmp.locator('.params-diff tbody tr').count(), 0, 'lr and hidden are the same in both');
  const colors = await cmp.locator('.legend-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.color));
  assert.equal(new Set(colors).size, 2);
  await vs.screenshot('panels-compare-light');
});

e2eTest('Open Runs Table: sort by a column, filter by a query (its error shown), open a run', { theme: 'Default High Contrast' }, async (vs) => {
  addFixtures(vs);
  await vs.waitForActivation();
  await vs.openView('Trackside');
  await vs.runCommand('Trackside: Open Runs Table');
  const table = await panel(vs, '.vt-row');
  await waitFor(async () => (await table.locator('.table-count').textContent()) === '6 of 6 runs', { message: 'all six runs in the table' });
  await table.locator('.vt-head[data-column="name"]').click();
  const names = async () =>
    table.locator('.vt-row:not([hidden])').evaluateAll((rows) =>
      rows.sort((a, b) => Number((a as HTMLElement).dataset.pos) - Number((b as HTMLElement).dataset.pos)).map((r) => r.firstElementChild?.textContent),
    );
  assert.deepEqual(await names(), ['baseline', 'deeper', 'long-warmup', 'no-aug', 'tiny', 'wider']);
  await table.locator('.vt-head[data-column="p:hidden"]').click();
  assert.deepEqual((await names())[0], 'tiny');
  const filter = table.locator('.table-filter input');
  const shown = (n: number) => waitFor(async () => (await table.locator('.table-count').textContent()) === `${n} of 6 runs`, { message: `${n} runs shown` });
  // The query language of the explorer and the CLI, evaluated by the index.
  await filter.fill('params.hidden >= 256 or metrics.val/acc.max < 0');
  await shown(2);
  assert.deepEqual(await names(), ['long-warmup', 'wider']);
  await filter.fill('params.hidden >=');
  await table.locator('.filter-error', { hasText: 'column 17: expected a value' }).waitFor();
  await vs.screenshot('panels-table-filter-error-hc');
  await filter.fill('status:failed');
  await shown(1);
  assert.ok(await table.locator('.filter-error').isHidden());
  assert.deepEqual(await names(), ['deeper']);
  await vs.screenshot('panels-table-hc');
  await table.locator('.vt-row[data-pos="0"]').dblclick();
  const run = await panel(vs, 'h1.run-name');
  assert.equal(await run.locator('h1.run-name').textContent(), 'deeper');
});

e2eTest('panels come back after a window reload, with their state', async (vs) => {
  addFixtures(vs);
  await openExperiment(vs);
  await vs.contextMenu('wider', 'Open Run');
  const run = await panel(vs, '.chart-card[data-key="val/loss"][data-painted]');
  await chooseTab(run, 'code');
  await run.locator('.code-files').waitFor();
  await vs.runCommand('Developer: Reload Window');
  await vs.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const restored = await panel(vs, '.code-files', 60_000);
  assert.equal(await restored.locator('h1.run-name').textContent(), 'wider');
  assert.equal(await restored.locator('vscode-tab-header[data-tab="code"]').getAttribute('active'), '');
});

e2eTest('Restore File asks first and keeps the replaced file as a backup artifact', async (vs) => {
  addFixtures(vs);
  writeFileSync(join(vs.workspace, 'train.py'), 'print("edited")\n');
  await openExperiment(vs);
  await vs.contextMenu('tiny', 'Open Run');
  const run = await panel(vs, 'h1.run-name');
  await chooseTab(run, 'code');
  await run.locator('vscode-button[data-action="restore"]').click();
  const dialog = vs.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /Restore train\.py as it was in run "tiny"\?/);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await vs.waitForFile('train.py', { contains: 'print(5)' });
  await chooseTab(run, 'artifacts');
  await waitFor(async () => (await run.locator('.artifacts').textContent())?.includes('before-restore/train.py'), { message: 'the backup artifact' });
  const events = readFileSync(join(vs.workspace, '.trackside', 'runs', fixtures[5].id, 'events.jsonl'), 'utf8');
  assert.match(events, /"kind":"backup"/);
  await vs.screenshot('panels-run-restored-dark');
});
