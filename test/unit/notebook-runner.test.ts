// The notebook runner end to end, as the editor starts it: startRun with the bundled
// runner script as the program, Debian's /usr/bin/python3 (nbclient, ipykernel, sklearn).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { blobPath } from '../../src/core/blobs';
import type { ArtifactEvent, MetricsEvent, StatusEvent } from '../../src/core/events';
import { ingestRun } from '../../src/core/ingest';
import { missingNotebookModules } from '../../src/core/notebooks/notebookDeps';
import { CELL_SECONDS_KEY, ProgressLines, describeFailure, readNotebookRunRecord, type CellProgress } from '../../src/core/notebooks/notebookRunRecord';
import { parseNotebook } from '../../src/core/notebooks/parseNotebook';
import { getRun } from '../../src/core/runQueries';
import { startRun, type RunHandle } from '../../src/core/runner/startRun';
import { openIndex } from '../../src/core/store';
import { eventsOf } from '../fixtures/runner/helpers';
import { NOTEBOOK_FIXTURES, cleanupTempDirs, tempDir } from '../fixtures/notebooks/build';

const repo = resolve(__dirname, '../..');
const CLIENT = join(repo, 'src/python');
const RUNNER = join(CLIENT, 'trackside_nbrun/run_notebook.py');
const PYTHON = '/usr/bin/python3';
const hasJupyter = spawnSync(PYTHON, ['-c', 'import nbclient, ipykernel, sklearn'], { stdio: 'ignore' }).status === 0;
const skip = hasJupyter ? false : `${PYTHON} lacks nbclient, ipykernel or scikit-learn`;

after(cleanupTempDirs);

interface Started {
  handle: RunHandle;
  root: string;
  output: () => string;
  progress: CellProgress[];
}

async function runNotebook(source: string): Promise<Started> {
  const ws = tempDir('ts-nbrun-');
  const name = source.split('/').pop()!;
  copyFileSync(source, join(ws, name));
  const root = join(ws, '.trackside');
  let text = '';
  const lines = new ProgressLines();
  const progress: CellProgress[] = [];
  const handle = await startRun({
    root,
    workspaceDir: ws,
    program: RUNNER,
    args: [join(ws, name)],
    interpreter: PYTHON,
    clientPath: CLIENT,
    snapshot: false,
    git: false,
    sysInterval: 0,
    stopGrace: { interruptMs: 10_000, terminateMs: 5_000 },
    onOutput: (chunk) => {
      text += chunk;
      progress.push(...lines.push(chunk));
    },
  });
  return { handle, root, output: () => text, progress };
}

test('the sample notebook runs as a tracked run: cells, metrics from inside it, the executed notebook', { skip, timeout: 120_000 }, async () => {
  const { handle, root, output, progress } = await runNotebook(join(repo, 'sample/notebook.ipynb'));
  const exit = await handle.onExit;
  assert.equal(exit.status, 'finished', output());
  assert.deepEqual(progress, [1, 2, 3, 4, 5].map((cell) => ({ cell, of: 5 })));
  assert.match(output(), /training and \d+ validation samples/);

  // One duration per code cell, stepped by cell number, under sys/ so the run's own metrics stay primary.
  const metrics = eventsOf(handle.dir, 'metrics') as (MetricsEvent & { cell?: { index: number; status: string; id?: string } })[];
  const cells = metrics.filter((m) => CELL_SECONDS_KEY in m.values);
  assert.deepEqual(cells.map((m) => m.step), [1, 2, 3, 4, 5]);
  assert.ok(cells.every((m) => m.cell?.status === 'ok' && typeof m.values[CELL_SECONDS_KEY] === 'number'));
  // trackside.init() inside the notebook attached to this run.
  assert.ok(metrics.some((m) => 'val/acc' in m.values));
  assert.ok(eventsOf(handle.dir, 'image').some((e) => e.key === 'confusion_matrix'));

  const record = readNotebookRunRecord(handle.dir)!;
  assert.deepEqual(record.cells.map((c) => c.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
  assert.equal(record.output, 'files/notebook.ipynb');
  const executed = parseNotebook(readFileSync(join(handle.dir, 'files/notebook.ipynb'), 'utf8'));
  assert.ok(executed.cells.some((c) => (c.outputs ?? []).some((o) => (o.data as Record<string, unknown> | undefined)?.['image/png'])), 'the figure is among the outputs');
  const [artifact] = eventsOf(handle.dir, 'artifact') as ArtifactEvent[];
  assert.equal(artifact.kind, 'notebook');
  assert.equal(artifact.name, 'notebook.ipynb');
  assert.deepEqual(readFileSync(blobPath(root, artifact.hash)), readFileSync(join(handle.dir, 'files/notebook.ipynb')));

  // The index reads every line of it: the per-cell events stay within the event contract.
  const store = openIndex(root);
  try {
    const report = ingestRun(store, handle.id);
    assert.equal(report.badTotal, 0, JSON.stringify(report.bad));
    const run = getRun(store, handle.id)!;
    assert.equal(run.status, 'finished');
    assert.ok(run.metrics.some((m) => m.key === CELL_SECONDS_KEY && m.count === 5));
  } finally {
    store.close();
  }
});

test('a failing cell ends the run failed, with the cell number and its traceback', { skip, timeout: 120_000 }, async () => {
  const { handle, output } = await runNotebook(join(NOTEBOOK_FIXTURES, 'failing.ipynb'));
  const exit = await handle.onExit;
  assert.equal(exit.status, 'failed');
  assert.equal(exit.exitCode, 1);
  const status = eventsOf(handle.dir, 'status').pop() as StatusEvent;
  assert.equal(status.status, 'failed');
  assert.match(status.error!, /^Traceback \(most recent call last\):\n {2}Notebook cell 2 of 3 \(id "cell-3"\), failing\.ipynb\n/);
  assert.match(status.error!, /return a \/ b/);
  assert.match(status.error!, /ZeroDivisionError: division by zero$/);
  assert.doesNotMatch(status.error!, /\x1b\[/, 'no terminal colours in the stored error');
  assert.match(output(), /first cell ran/);
  assert.doesNotMatch(output(), /never runs/);

  const record = readNotebookRunRecord(handle.dir)!;
  assert.deepEqual(record.cells.map((c) => c.status), ['ok', 'error', 'not-run']);
  assert.equal(describeFailure(record), 'Cell 2 of 3 failed: ZeroDivisionError: division by zero');
  // Whatever ran before the failure is kept: the metric, and the notebook with the error in it.
  assert.ok((eventsOf(handle.dir, 'metrics') as MetricsEvent[]).some((m) => 'before' in m.values));
  const executed = parseNotebook(readFileSync(join(handle.dir, 'files/failing.ipynb'), 'utf8'));
  assert.equal(executed.cells[2].outputs?.[0].output_type, 'error');
});

test('Stop interrupts the running cell, ends the run stopped and leaves no kernel behind', { skip, timeout: 120_000 }, async () => {
  const { handle, output } = await runNotebook(join(NOTEBOOK_FIXTURES, 'sleeping.ipynb'));
  let kernels: number[] = [];
  let exit;
  try {
    await waitUntil(() => /^sleeping$/m.test(output()), 'the cell to start');
    kernels = childrenOf(handle.pid);
  } finally {
    exit = await handle.stop(); // also when the wait failed: no run outlives the test
  }
  assert.equal(kernels.length, 1, 'one kernel process');
  assert.equal(exit.status, 'stopped');
  assert.match(output(), /interrupted: saving what there is/);
  assert.deepEqual(readNotebookRunRecord(handle.dir)!.cells.map((c) => c.status), ['interrupted', 'not-run']);
  await waitUntil(() => !existsSync(`/proc/${kernels[0]}`), 'the kernel to exit');
});

test('without nbclient or ipykernel the runner says what to install', { skip: hasJupyter ? false : skip }, async () => {
  // -S leaves out site-packages, where Debian's python3-nbclient lives.
  const res = spawnSync(PYTHON, ['-S', RUNNER, join(NOTEBOOK_FIXTURES, 'failing.ipynb'), '--output', join(tempDir(), 'out.ipynb')], { encoding: 'utf8' });
  assert.equal(res.status, 3);
  assert.match(res.stderr, /needs nbclient and ipykernel in the run's Python \(\/usr\/bin\/python3\), which is missing nbformat, nbclient, jupyter_client, ipykernel/);
  assert.match(res.stderr, /-m pip install nbclient ipykernel/);
  assert.match(res.stderr, /apt-get install python3-nbclient python3-ipykernel/);

  const wrapper = join(tempDir(), 'python-without-site');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  assert.deepEqual(await missingNotebookModules(wrapper), ['nbformat', 'nbclient', 'jupyter_client', 'ipykernel']);
  assert.deepEqual(await missingNotebookModules(PYTHON), []);
});

test('a notebook the runner cannot read ends it with exit code 2 and the reason', { skip }, () => {
  const res = spawnSync(PYTHON, [RUNNER, join(NOTEBOOK_FIXTURES, 'corrupt.ipynb'), '--output', join(tempDir(), 'out.ipynb')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: CLIENT } });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /^Cannot run corrupt\.ipynb: /);
});

test('progress lines are found in output split at any point', () => {
  const text = 'Running x.ipynb\n── cell 1 of 3 ──\nhello\n── cell 2 of 3 ──\nnot ── cell 9 of 9 ── at line start\n── cell 3 of 3 ──\n';
  for (const size of [1, 3, 7, text.length]) {
    const lines = new ProgressLines();
    const found: CellProgress[] = [];
    for (let i = 0; i < text.length; i += size) found.push(...lines.push(text.slice(i, i + size)));
    assert.deepEqual(found, [1, 2, 3].map((cell) => ({ cell, of: 3 })), `chunks of ${size}`);
  }
});

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
