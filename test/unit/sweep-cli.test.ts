// `trackside sweep` from a terminal: start runs a sweep file to its end here, status reports
// it, a bad file is a usage error naming its line and column.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

const CLI = join(__dirname, '../../src/cli.ts');
const TSX = require.resolve('tsx');
after(cleanupTempDirs);

function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', TSX, CLI, 'sweep', ...args], { cwd, env: { ...process.env, TRACKSIDE_PYTHON: '/usr/bin/python3', TRACKSIDE_HOME: '' }, encoding: 'utf8', timeout: 120_000 });
}

test('sweep start runs every trial here, then status lists them with their metric', () => {
  const ws = tempDir('ts-sweep-cli-');
  mkdirSync(join(ws, '.trackside'));
  copyFileSync(join(__dirname, '../fixtures/sweeps/quadratic.py'), join(ws, 'quadratic.py'));
  writeFileSync(join(ws, 'q.sweep.yaml'), 'program: quadratic.py\nmethod: grid\nconcurrency: 2\nmetric: {name: loss}\nparameters:\n  x: [1, 2, 3]\n');
  const r = cli(ws, 'start', 'q.sweep.yaml');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sweep \d{8}-\d{6}-[0-9a-f]{6} \(q\): grid, 3 trials queued, 2 at a time\n/);
  assert.equal((r.stdout.match(/trial #\d finished \(run \S+\) loss /g) ?? []).length, 3);
  const status = cli(ws, 'status', '--json');
  assert.equal(status.status, 0, status.stderr);
  const [sweep] = JSON.parse(status.stdout) as { status: string; trials: { value: number }[] }[];
  assert.equal(sweep.status, 'finished');
  assert.deepEqual(sweep.trials.map((t) => Number(t.value.toFixed(6))), [2.333333, 1.333333, 2.333333]); // (x-2)² + (0+1)² + 1/3 at the last of 3 steps
  const one = cli(ws, 'status', 'q');
  assert.match(one.stdout, /#2 {2}finished {2}\S+ {2}x=2 {2}loss 1\.33/);
  assert.equal(cli(ws, 'pause', 'nope').status, 1);
});

test('a bad sweep file is a usage error with its line and column', () => {
  const ws = tempDir('ts-sweep-cli-');
  writeFileSync(join(ws, 'b.sweep.yaml'), 'program: t.py\nmethod: grid\nparameters:\n  x: {distribution: uniform, min: 0, max: 1}\n');
  const r = cli(ws, 'start', 'b.sweep.yaml');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /b\.sweep\.yaml:4:6: A grid cannot try a continuous uniform parameter \("x"\)/);
  assert.equal(cli(ws, 'frobnicate').status, 2);
});
