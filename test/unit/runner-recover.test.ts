import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendEvent } from '../../src/core/runner/eventLog';
import { describeProcess, readPidFile, writePidFile } from '../../src/core/runner/pidFile';
import type { PidRecord } from '../../src/core/runner/pidFile';
import { reattachRun } from '../../src/core/runner/reattachRun';
import { recoverRuns } from '../../src/core/runner/recoverRuns';
import { createRunFolder } from '../../src/core/runner/runFolder';
import { newRunId } from '../../src/core/runner/runId';
import { cleanupTempDirs, eventsOf, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

function sleeper(t: { after: (fn: () => void) => void }): ChildProcess {
  const c = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
  t.after(() => c.kill('SIGKILL'));
  return c;
}

/** A run folder as startRun leaves it while its process runs. */
function runningRun(root: string, record?: Partial<PidRecord> & { pid: number }, run: Record<string, unknown> = {}): { id: string; dir: string } {
  const id = newRunId();
  const { dir } = createRunFolder(root, id);
  appendEvent(dir, { type: 'run', source: 'editor', name: id, ...run });
  appendEvent(dir, { type: 'status', status: 'running' });
  if (record) writePidFile(dir, { ...describeProcess(record.pid), ...record });
  return { id, dir };
}

const statuses = (dir: string): string[] => eventsOf(dir, 'status').map((s) => s.status);

test('a dead process, or a live pid that is another process, is marked crashed', async () => {
  const root = tempDir();
  const dead = await deadPid();
  const a = runningRun(root, { pid: dead, owner_pid: dead });
  // process.pid lives, but its start time is not the one recorded: a reused pid
  const b = runningRun(root, { pid: process.pid, start_ticks: 1, owner_pid: dead });
  const finished = runningRun(root, { pid: dead, owner_pid: dead });
  appendEvent(finished.dir, { type: 'status', status: 'finished', exit_code: 0 });

  const res = recoverRuns(root);
  assert.deepEqual(res.crashed.map((r) => r.id).sort(), [a.id, b.id].sort());
  assert.deepEqual(res.alive, []);
  assert.deepEqual(statuses(a.dir), ['running', 'crashed']);
  const crash = eventsOf(a.dir, 'status')[1];
  assert.equal(crash.exit_code, null);
  assert.match(crash.error ?? '', /exit code is unknown/);
  assert.deepEqual(statuses(finished.dir), ['running', 'finished']);
  // Once marked, a second pass leaves them alone.
  assert.deepEqual(recoverRuns(root).crashed, []);
});

test('alive with no live owner: returned for re-attaching; re-attached, its death marks it crashed', async (t) => {
  const root = tempDir();
  const dead = await deadPid();
  const child = sleeper(t);
  const r = runningRun(root, { pid: child.pid!, owner_pid: dead });
  const res = recoverRuns(root);
  assert.deepEqual(res.crashed, []);
  assert.deepEqual(res.alive.map((x) => [x.id, x.pid]), [[r.id, child.pid]]);
  assert.deepEqual(statuses(r.dir), ['running']);

  const attached = reattachRun(res.alive[0], { pollMs: 20, sysInterval: 0.05, nvidiaSmi: false });
  // The claim: this process now owns the run, so another recovery pass leaves it alone.
  assert.equal(readPidFile(r.dir)?.owner_pid, process.pid);
  assert.deepEqual(recoverRuns(root).skipped.map((s) => s.reason), ['followed-elsewhere']);
  child.kill('SIGKILL');
  assert.deepEqual(await attached.onExit, { status: 'crashed' });
  assert.deepEqual(statuses(r.dir), ['running', 'crashed']);
});

test('re-attached: Stop works through the process group and ends `stopped`', async (t) => {
  const root = tempDir();
  const dead = await deadPid();
  const child = sleeper(t);
  runningRun(root, { pid: child.pid!, owner_pid: dead });
  const [alive] = recoverRuns(root).alive;
  const attached = reattachRun(alive, { pollMs: 20, sysInterval: 0 });
  assert.deepEqual(await attached.stop({ interruptMs: 5_000 }), { status: 'stopped' });
  assert.deepEqual(statuses(alive.dir), ['running', 'stopped']);
});

test('re-attached: when the client wrote its own final status, that stands', async (t) => {
  const root = tempDir();
  const dead = await deadPid();
  const child = sleeper(t);
  const r = runningRun(root, { pid: child.pid!, owner_pid: dead });
  const attached = reattachRun(recoverRuns(root).alive[0], { pollMs: 20, sysInterval: 0 });
  appendEvent(r.dir, { type: 'status', status: 'finished', exit_code: null });
  child.kill('SIGKILL');
  assert.deepEqual(await attached.onExit, { status: 'finished' });
  assert.deepEqual(statuses(r.dir), ['running', 'finished']);
});

test('left alone: followed by a live extension host, another machine, or no pid yet', async () => {
  const root = tempDir();
  const dead = await deadPid();
  const followed = runningRun(root, { pid: dead, owner_pid: process.pid });
  const remote = runningRun(root, { pid: dead, owner_pid: dead, host: 'cluster-node-7' });
  const fresh = runningRun(root, undefined, { host: undefined });
  const res = recoverRuns(root);
  assert.deepEqual(res.crashed, []);
  const reasons = Object.fromEntries(res.skipped.map((s) => [s.id, s.reason]));
  assert.deepEqual(reasons, { [followed.id]: 'followed-elsewhere', [remote.id]: 'other-host', [fresh.id]: 'no-pid' });
  // An editor run that never got a pid, long ago: it never started.
  const later = recoverRuns(root, { now: Date.now() + 120_000, runIds: [fresh.id] });
  assert.deepEqual(later.crashed.map((c) => c.id), [fresh.id]);
  assert.match(eventsOf(fresh.dir, 'status')[1].error ?? '', /never started/);
});

test('runs started outside the editor: the client pid from the run event', async (t) => {
  const root = tempDir();
  const dead = await deadPid();
  const child = sleeper(t);
  const gone = runningRun(root, undefined, { source: 'client', pid: dead });
  const live = runningRun(root, undefined, { source: 'client', pid: child.pid });
  // A run event written long before the live process started: its pid was reused.
  const reused = runningRun(root, undefined, { source: 'client', pid: child.pid, t: Date.now() - 3_600_000 });
  const res = recoverRuns(root);
  assert.deepEqual(res.crashed.map((c) => c.id).sort(), [gone.id, reused.id].sort());
  assert.deepEqual(res.alive.map((a) => a.id), [live.id]);
});

test('runIds limits the scan; isAlive can be supplied', async () => {
  const root = tempDir();
  const a = runningRun(root, { pid: 999_999, owner_pid: 999_998 });
  const b = runningRun(root, { pid: 999_999, owner_pid: 999_998 });
  const res = recoverRuns(root, { runIds: [a.id, '../../etc'], isAlive: () => true });
  assert.deepEqual(res.alive.map((x) => x.id), [a.id]);
  assert.deepEqual(statuses(b.dir), ['running']);
});
