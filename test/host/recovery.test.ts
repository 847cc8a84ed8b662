// A run left "running" by an extension host that went away, whose process is gone, is marked
// crashed by the recovery that runs at activation; what it logged stays.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { appendEvent } from '../../src/core/runner/eventLog';
import { lostProcessMessage } from '../../src/core/runner/recoverRuns';
import { createRunFolder } from '../../src/core/runner/runFolder';
import { newRunId } from '../../src/core/runner/runId';
import { recoverInterruptedRuns } from '../../src/host/recovery';
import { suite, test } from './runner.ts';
import { events, explorerRun, tracksideApp, waitFor, waitForRun } from './workspace.ts';

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  // In desktop VS Code execPath is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

suite('recovery', () => {
  test('a running run with a dead process is marked crashed, its metrics kept', async () => {
    const app = await tracksideApp();
    const pid = await deadPid();
    const id = newRunId();
    const { dir } = createRunFolder(app.index.root, id);
    appendEvent(dir, { type: 'run', name: 'crash-probe', experiment: 'host-recovery', source: 'editor', host: hostname(), pid, command: ['python3', 'gone.py'] });
    appendEvent(dir, { type: 'status', status: 'running' });
    appendEvent(dir, { type: 'metrics', step: 0, values: { loss: 1.5 } });
    // Appears like any run written outside the editor: through the watcher or the polling.
    await waitForRun(app, id, (r) => r.status === 'running');

    await recoverInterruptedRuns(app);
    const run = await waitForRun(app, id, (r) => r.status === 'crashed');
    assert.equal(run.error, lostProcessMessage(pid));
    assert.deepEqual(run.metrics.map((m) => m.key), ['loss']);
    assert.deepEqual({ ...events(app, id).at(-1), t: 0 }, { t: 0, type: 'status', status: 'crashed', exit_code: null, error: lostProcessMessage(pid) });
    await waitFor(async () => (await explorerRun(app, id))?.run.status === 'crashed', { message: 'the crashed run in the Run Explorer' });
    assert.equal(app.runs.isActive(id), false);
  });
});
