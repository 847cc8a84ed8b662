// The queue with real runs (the bundled Python client) and, where the sweep needs it, real
// Optuna in Debian's Python (python3-optuna).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../../src/core/paths';
import { directLauncher } from '../../src/core/sweeps/directLauncher';
import { newSweepFromFile } from '../../src/core/sweeps/newSweep';
import { SweepScheduler } from '../../src/core/sweeps/sweepScheduler';
import { readSweep, sweepDir, updateSweep, type QueuedRun, type SweepState } from '../../src/core/sweeps/sweepState';
import { appendToQueue, createRunQueue, queueEntry } from '../../src/core/sweeps/runQueue';
import { parseParamPairs } from '../../src/core/runner/params';
import type { RunLogEvent } from '../../src/core/events';
import { cleanupTempDirs, readEvents, tempDir, waitFor } from '../fixtures/runner/helpers';

const PYTHON = '/usr/bin/python3';
const CLIENT = join(__dirname, '../../src/python');

after(cleanupTempDirs);

function workspace(sweepYaml: string): { ws: string; root: string; file: string } {
  const ws = tempDir('ts-sweep-');
  copyFileSync(join(__dirname, '../fixtures/sweeps/quadratic.py'), join(ws, 'quadratic.py'));
  const file = join(ws, 'q.sweep.yaml');
  writeFileSync(file, sweepYaml);
  return { ws, root: join(ws, '.trackside'), file };
}

function schedule(root: string, sweep: SweepState, pollMs = 100): SweepScheduler {
  const launcher = directLauncher({ root, python: PYTHON, clientPath: CLIENT, run: { sysInterval: 0, git: false, snapshot: false } });
  const s = new SweepScheduler({ root, id: sweep.id, launcher, clientPath: CLIENT, pollMs });
  s.start();
  return s;
}

function runTimes(root: string, runId: string): { start: number; end: number; status: string; events: RunLogEvent[] } {
  const events = readEvents(runDir(root, runId));
  const status = events.filter((e) => e.type === 'status').at(-1) as Extract<RunLogEvent, { type: 'status' }>;
  return { start: events[0].t, end: status.t, status: status.status, events };
}

test('grid 2×3 with concurrency 2 finishes 6 runs, never more than 2 at once, params passed and recorded', async () => {
  const { root, file, ws } = workspace(`program: quadratic.py
method: grid
concurrency: 2
args: [--steps, "2"]
metric: {name: loss, goal: minimize}
parameters:
  x: [1, 2]
  y: [-1, 0, 1]
`);
  const sweep = newSweepFromFile(root, file, ws);
  assert.equal(sweep.trials.length, 6);
  const s = schedule(root, sweep);
  await s.done;
  const state = readSweep(root, sweep.id)!;
  assert.equal(state.status, 'finished');
  assert.deepEqual(state.trials.map((t) => t.status), Array(6).fill('finished'));
  const runs = state.trials.map((t) => ({ t, ...runTimes(root, t.runId!) }));
  // At each run's start, how many runs had started and not yet ended.
  for (const r of runs) {
    const overlapping = runs.filter((o) => o.start <= r.start && o.end > r.start).length;
    assert.ok(overlapping <= 2, `${overlapping} runs at once at ${r.start}`);
  }
  assert.ok(runs.some((r) => runs.some((o) => o !== r && o.start <= r.start && o.end > r.start)), 'two ran at once at some point');
  for (const r of runs) {
    const start = r.events.find((e) => e.type === 'run') as Extract<RunLogEvent, { type: 'run' }>;
    assert.deepEqual(start.params, r.t.params);
    assert.deepEqual(start.sweep, { id: sweep.id, name: 'q', trial: r.t.key });
    assert.deepEqual((start.command as string[]).slice(-4), ['--x', String(r.t.params.x), '--y', String(r.t.params.y)]);
    const expected = ((r.t.params.x as number) - 2) ** 2 + ((r.t.params.y as number) + 1) ** 2 + 1 / 2;
    assert.ok(Math.abs(r.t.value! - expected) < 1e-9, `trial ${r.t.key} value ${r.t.value} vs ${expected}`);
  }
});

test('random with a seed queues the same trials twice', () => {
  const yaml = `program: quadratic.py
method: random
run_cap: 5
seed: 42
parameters:
  x: {distribution: uniform, min: -5, max: 5}
  y: {distribution: int_uniform, min: -3, max: 3}
`;
  const a = workspace(yaml);
  const b = workspace(yaml);
  const sa = newSweepFromFile(a.root, a.file, a.ws);
  const sb = newSweepFromFile(b.root, b.file, b.ws);
  assert.deepEqual(sa.trials.map((t) => t.params), sb.trials.map((t) => t.params));
});

test('cancel stops the running trials and drops the queued ones', async () => {
  const { root, file, ws } = workspace(`program: quadratic.py
method: grid
concurrency: 2
args: [--steps, "600", --sleep, "0.1"]
parameters:
  x: [1, 2, 3, 4, 5]
`);
  const sweep = newSweepFromFile(root, file, ws);
  const s = schedule(root, sweep);
  await waitFor(() => readSweep(root, sweep.id)!.trials.filter((t) => t.status === 'running').length === 2, 'two trials running');
  await s.cancel();
  await s.done;
  const state = readSweep(root, sweep.id)!;
  assert.equal(state.status, 'cancelled');
  assert.deepEqual(state.trials.map((t) => t.status), ['stopped', 'stopped']);
  for (const t of state.trials) assert.equal(runTimes(root, t.runId!).status, 'stopped');
});

test('a scheduler started again (after a window reload) follows the running trials and continues the queue', async () => {
  const { root, file, ws } = workspace(`program: quadratic.py
method: grid
concurrency: 1
args: [--steps, "15", --sleep, "0.1"]
parameters:
  x: [1, 2, 3]
`);
  const sweep = newSweepFromFile(root, file, ws);
  const first = schedule(root, sweep);
  await waitFor(() => readSweep(root, sweep.id)!.trials[0].status === 'running', 'first trial running');
  first.dispose();
  // The owner is this same process; a new scheduler takes over as a reloaded window would.
  const second = schedule(root, sweep);
  await second.done;
  const state = readSweep(root, sweep.id)!;
  assert.equal(state.status, 'finished');
  assert.deepEqual(state.trials.map((t) => t.status), ['finished', 'finished', 'finished']);
  assert.equal(new Set(state.trials.map((t) => t.runId)).size, 3);
});

test('pause holds the queue, resume goes on; remove and move up reorder queued trials', async () => {
  const { root, file, ws } = workspace(`program: quadratic.py
method: grid
args: [--steps, "8", --sleep, "0.1"]
parameters:
  x: [1, 2, 3, 4]
`);
  const sweep = newSweepFromFile(root, file, ws);
  const s = schedule(root, sweep);
  await waitFor(() => readSweep(root, sweep.id)!.trials[0].status === 'running', 'first trial running');
  await s.pause();
  await s.moveUp(4);
  await s.remove(2);
  await waitFor(() => readSweep(root, sweep.id)!.trials[0].status === 'finished', 'first trial finished');
  let state = readSweep(root, sweep.id)!;
  assert.equal(state.status, 'paused');
  assert.deepEqual(state.trials.map((t) => [t.key, t.status]), [[1, 'finished'], [4, 'queued'], [3, 'queued']]);
  // Resumed from another process (the CLI) through the state file.
  updateSweep(root, sweep.id, (st) => (st.status = 'running'));
  await s.done;
  state = readSweep(root, sweep.id)!;
  assert.deepEqual(state.trials.map((t) => [t.key, t.status]), [[1, 'finished'], [4, 'finished'], [3, 'finished']]);
  assert.ok(state.trials[1].started! < state.trials[2].started!, 'the trial moved up ran first');
});

test('a resume written in the same clock tick as the pause (the same mtime) is still seen', async () => {
  const { root, file, ws } = workspace(`program: quadratic.py
method: grid
parameters:
  x: [1, 2]
`);
  const sweep = newSweepFromFile(root, file, ws);
  const s = schedule(root, sweep);
  await s.pause();
  await waitFor(() => s.current.trials[0].status === 'finished', 'the first trial to end while paused');
  const path = join(sweepDir(root, sweep.id), 'sweep.json');
  const stamp = join(ws, 'stamp');
  writeFileSync(stamp, '');
  execFileSync('touch', ['-r', path, stamp]); // to the nanosecond
  // Another process resumes it; the file's mtime stays what it was, as on a coarse file clock.
  updateSweep(root, sweep.id, (st) => (st.status = 'running'));
  execFileSync('touch', ['-r', stamp, path]);
  await s.done;
  assert.deepEqual(readSweep(root, sweep.id)!.trials.map((t) => t.status), ['finished', 'finished']);
});

test('the run queue: single runs in order, one at a time under the setting, parameters as typed; one that cannot start fails and the queue goes on', async () => {
  const { root, ws } = workspace('program: quadratic.py\nmethod: grid\nparameters: {x: [1]}\n');
  const program = join(ws, 'quadratic.py');
  const run = (pairs: string[]): QueuedRun => ({ program, args: ['--steps', '2'], label: 'quadratic.py', pairs: parseParamPairs(pairs) });
  const queue = createRunQueue(root, ws, queueEntry(run(['x=1e-1'])), 4);
  updateSweep(root, queue.id, (s) => {
    appendToQueue(s, queueEntry({ ...run([]), program: join(ws, 'missing.py') }), 4);
    appendToQueue(s, queueEntry(run(['x=2', 'y=-1'])), 4);
  });
  const launcher = directLauncher({ root, python: PYTHON, clientPath: CLIENT, run: { sysInterval: 0, git: false, snapshot: false } });
  const s = new SweepScheduler({ root, id: queue.id, launcher, clientPath: CLIENT, pollMs: 100, concurrencyCap: () => 1 });
  s.start();
  await s.done; // no keepOpen: an empty queue finishes
  const state = readSweep(root, queue.id)!;
  assert.equal(state.kind, 'queue');
  assert.equal(state.status, 'finished');
  assert.deepEqual(state.trials.map((t) => [t.key, t.status]), [[1, 'finished'], [2, 'failed'], [3, 'finished']]);
  assert.match(state.trials[1].message!, /Program not found: .*missing\.py/);
  const [first, third] = [state.trials[0], state.trials[2]].map((t) => runTimes(root, t.runId!));
  assert.ok(third.start >= first.end, 'the third run started after the first one ended');
  const started = third.events.find((e) => e.type === 'run') as Extract<RunLogEvent, { type: 'run' }>;
  assert.deepEqual(started.params, { x: 2, y: -1 });
  assert.equal(started.sweep, undefined);
  const firstStart = first.events.find((e) => e.type === 'run') as Extract<RunLogEvent, { type: 'run' }>;
  assert.deepEqual((firstStart.command as string[]).slice(-4), ['--steps', '2', '--x', '1e-1']); // as typed

  // Queued again after it finished: it runs again.
  updateSweep(root, queue.id, (st) => appendToQueue(st, queueEntry(run([])), 4));
  assert.equal(readSweep(root, queue.id)!.status, 'running');
});
