// Sweeps that need real Optuna (Debian's python3-optuna in /usr/bin/python3): bayes
// suggestions, median pruning, and the sweep's message when Optuna is missing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../../src/core/paths';
import { readLastStatus } from '../../src/core/runner/eventsTail';
import { directLauncher } from '../../src/core/sweeps/directLauncher';
import { newSweepFromFile } from '../../src/core/sweeps/newSweep';
import { SweepScheduler } from '../../src/core/sweeps/sweepScheduler';
import { readSweep } from '../../src/core/sweeps/sweepState';
import { cleanupTempDirs, eventsOf, tempDir, waitFor } from '../fixtures/runner/helpers';

const PYTHON = '/usr/bin/python3';
const CLIENT = join(__dirname, '../../src/python');

after(cleanupTempDirs);

function sweepOf(yaml: string, python = PYTHON): { root: string; id: string; scheduler: SweepScheduler } {
  const ws = tempDir('ts-sweep-');
  copyFileSync(join(__dirname, '../fixtures/sweeps/quadratic.py'), join(ws, 'quadratic.py'));
  const file = join(ws, 'q.sweep.yaml');
  writeFileSync(file, yaml);
  const root = join(ws, '.trackside');
  const sweep = newSweepFromFile(root, file, ws);
  // Runs use Debian's Python (the client is standard library only); Optuna the one given.
  const launcher = { ...directLauncher({ root, python: PYTHON, clientPath: CLIENT, run: { sysInterval: 0, git: false, snapshot: false } }), python: async () => python };
  const scheduler = new SweepScheduler({ root, id: sweep.id, launcher, clientPath: CLIENT, pollMs: 50 });
  scheduler.start();
  return { root, id: sweep.id, scheduler };
}

const SPACE = `parameters:
  x: {distribution: uniform, min: -5, max: 5}
  y: {distribution: uniform, min: -5, max: 5}
metric: {name: loss, goal: minimize}
args: [--steps, "1"]
program: quadratic.py
run_cap: 20
seed: 3
`;

test('a bayes sweep of 20 trials (TPE, seed 3) ends better than the median of 20 random trials (seed 3)', async () => {
  const bayes = sweepOf(`method: bayes\n${SPACE}`);
  const random = sweepOf(`method: random\n${SPACE}`);
  await Promise.all([bayes.scheduler.done, random.scheduler.done]);
  const values = (root: string, id: string): number[] => readSweep(root, id)!.trials.map((t) => t.value!);
  const b = values(bayes.root, bayes.id);
  const r = values(random.root, random.id).sort((p, q) => p - q);
  assert.equal(b.length, 20);
  assert.ok(b.every((v) => Number.isFinite(v)));
  const median = (r[9] + r[10]) / 2;
  assert.ok(Math.min(...b) < median, `bayes best ${Math.min(...b)} vs random median ${median}`);
  // Optuna's suggestions are the params the runs received and recorded.
  const state = readSweep(bayes.root, bayes.id)!;
  assert.deepEqual(state.trials.map((t) => t.optuna), [...Array(20).keys()]);
  for (const t of state.trials) assert.deepEqual(eventsOf(runDir(bayes.root, t.runId!), 'run')[0].params, t.params);
});

test('median pruning ends a hopeless trial early with status pruned', async () => {
  const { root, id, scheduler } = sweepOf(`program: quadratic.py
method: grid
args: [--steps, "30", --sleep, "0.05"]
metric: {name: loss, goal: minimize}
early_terminate: {type: median, min_steps: 2, min_trials: 3}
parameters:
  x: [2, 2.5, 1.5, 40]
`);
  await scheduler.done;
  const state = readSweep(root, id)!;
  assert.deepEqual(state.trials.map((t) => t.status), ['finished', 'finished', 'finished', 'pruned']);
  const hopeless = state.trials[3];
  assert.match(hopeless.message!, /Pruned at step \d+/);
  assert.ok(hopeless.step! < 29, `stopped at step ${hopeless.step}`);
  const dir = runDir(root, hopeless.runId!);
  assert.equal(readLastStatus(dir)?.status, 'pruned');
  assert.ok(eventsOf(dir, 'metrics').length < 30);
});

test('a bayes sweep without Optuna pauses and says so', async () => {
  const { root, id } = sweepOf(`method: bayes\n${SPACE}`, join(__dirname, '../fixtures/sweeps/no_optuna_python.sh'));
  const state = await waitFor(() => {
    const s = readSweep(root, id)!;
    return s.status === 'paused' && s;
  }, 'the sweep to pause');
  assert.match(state.message!, /Optuna is not installed for .*apt-get install python3-optuna/);
  assert.ok(state.trials.every((t) => t.status === 'queued'));
});
