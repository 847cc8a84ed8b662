import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusEvent } from '../../src/core/events';
import { startRun } from '../../src/core/runner/startRun';
import { signalGroup } from '../../src/core/runner/stopProcess';
import type { RunHandle, StartRunOptions } from '../../src/core/runner/startRun';
import { cleanupTempDirs, eventsOf, readEvents, tempWorkspace, waitFor } from '../fixtures/runner/helpers';

// A test that fails part-way leaves no script behind (the immortal one would keep the suite alive).
const live = new Set<RunHandle>();
test.after(() => {
  for (const run of live) signalGroup(run.pid, 'SIGKILL');
  cleanupTempDirs();
});

async function started(program: string, extra: Partial<StartRunOptions> = {}): Promise<{ run: RunHandle; output: () => string }> {
  const { ws, root } = tempWorkspace();
  let out = '';
  const run = await startRun({ root, workspaceDir: ws, program, interpreter: 'python3', sysInterval: 0, git: false, onOutput: (t) => (out += t), ...extra });
  live.add(run);
  void run.onExit.then(() => live.delete(run));
  // Stop only once the script has set up its signal handlers.
  await waitFor(() => /^ready\b.*\n/m.test(out), `${program} to be ready`); // the whole line: it may arrive in pieces
  return { run, output: () => out };
}

function lastStatus(dir: string): StatusEvent {
  const events = readEvents(dir);
  const last = events[events.length - 1];
  assert.equal(last.type, 'status');
  return last as StatusEvent;
}

test('Stop sends SIGINT first: KeyboardInterrupt lets the script clean up → stopped', async () => {
  const { run, output } = await started('sleeper.py', { sysInterval: 0.05 });
  // While it runs, hardware samples arrive.
  await waitFor(() => eventsOf(run.dir, 'sys').length > 0, 'a sys event');
  const sys = eventsOf(run.dir, 'sys')[0];
  assert.equal(typeof sys.values.cpu_percent, 'number');
  assert.ok((sys.values.memory_mb as number) > 1);
  const exit = await run.stop();
  assert.equal(exit.status, 'stopped');
  assert.equal(exit.exitCode, 130);
  assert.match(output(), /interrupted, saving/);
  const end = lastStatus(run.dir);
  assert.deepEqual([end.status, end.exit_code], ['stopped', 130]);
  // stop() again, after the end, is the same answer
  assert.deepEqual(await run.stop(), exit);
});

test('SIGINT ignored: SIGTERM after the grace period', async () => {
  const { run, output } = await started('stubborn.py', { stopGrace: { interruptMs: 200, terminateMs: 30_000 } });
  const exit = await run.stop();
  assert.equal(exit.status, 'stopped');
  assert.equal(exit.exitCode, 143);
  assert.match(output(), /got SIGTERM/);
  assert.equal(lastStatus(run.dir).status, 'stopped');
});

test('SIGINT and SIGTERM ignored: SIGKILL, and the workers in its group go too', async () => {
  const { run, output } = await started('immortal.py');
  const worker = Number(/ready (\d+)/.exec(output())![1]);
  const exit = await run.stop({ interruptMs: 100, terminateMs: 100 });
  assert.equal(exit.status, 'stopped');
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.exitCode, null);
  const end = lastStatus(run.dir);
  assert.deepEqual([end.status, end.exit_code], ['stopped', null]);
  await waitFor(() => !runningProcess(worker), 'the worker to be gone');
});

test('concurrent stop() calls share one escalation', async () => {
  const { run } = await started('sleeper.py');
  const [a, b] = await Promise.all([run.stop(), run.stop()]);
  assert.deepEqual(a, b);
  assert.equal(eventsOf(run.dir, 'status').filter((s) => s.status === 'stopped').length, 1);
});

test('killed from outside (not via Stop): failed with the signal', async () => {
  const { run } = await started('sleeper.py');
  process.kill(run.pid, 'SIGKILL');
  const exit = await run.onExit;
  assert.deepEqual([exit.status, exit.signal], ['failed', 'SIGKILL']);
  assert.equal(lastStatus(run.dir).error, 'Terminated by SIGKILL');
});

/** Alive and not a zombie (an orphan's zombie may linger where pid 1 does not reap). */
function runningProcess(pid: number): boolean {
  try {
    const stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
