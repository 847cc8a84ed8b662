import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep, SweepFileError } from '../../src/core/sweeps/sweepSpec';
import { gridTrials, randomTrials } from '../../src/core/sweeps/sweepSuggest';

const GRID = `program: train.py
method: grid
concurrency: 2
parameters:
  lr: {values: [0.1, 0.01]}
  depth: [2, 4, 8]
  optimizer: adam
metric: {name: val/loss, goal: minimize}
`;

function errorAt(text: string, file = 'bad.sweep.yaml'): SweepFileError {
  try {
    parseSweep(text, file);
  } catch (err) {
    assert.ok(err instanceof SweepFileError, String(err));
    return err;
  }
  assert.fail('expected an error');
}

test('a 2×3 grid gives its six points in order, the last parameter fastest', () => {
  const spec = parseSweep(GRID, '/w/small.sweep.yaml');
  assert.equal(spec.name, 'small');
  assert.equal(spec.runCap, 6);
  assert.equal(spec.concurrency, 2);
  assert.deepEqual(spec.metric, { name: 'val/loss', goal: 'minimize' });
  assert.deepEqual(gridTrials(spec), [
    { lr: 0.1, depth: 2, optimizer: 'adam' },
    { lr: 0.1, depth: 4, optimizer: 'adam' },
    { lr: 0.1, depth: 8, optimizer: 'adam' },
    { lr: 0.01, depth: 2, optimizer: 'adam' },
    { lr: 0.01, depth: 4, optimizer: 'adam' },
    { lr: 0.01, depth: 8, optimizer: 'adam' },
  ]);
  assert.equal(gridTrials({ ...spec, runCap: 4 }).length, 4);
});

test('random with a seed gives the same trials twice, within bounds; another seed gives others', () => {
  const text = `program: train.py
method: random
run_cap: 50
seed: 7
parameters:
  lr: {distribution: log_uniform, min: 0.0001, max: 0.1}
  dropout: {distribution: uniform, min: 0, max: 0.5}
  layers: {distribution: int_uniform, min: 1, max: 4}
  act: {distribution: categorical, values: [relu, tanh]}
`;
  const a = randomTrials(parseSweep(text, 'r.sweep.yaml'));
  const b = randomTrials(parseSweep(text, 'r.sweep.yaml'));
  assert.deepEqual(a, b);
  assert.equal(a.length, 50);
  for (const t of a) {
    assert.ok((t.lr as number) >= 0.0001 && (t.lr as number) <= 0.1);
    assert.ok((t.dropout as number) >= 0 && (t.dropout as number) < 0.5);
    assert.ok(Number.isInteger(t.layers) && (t.layers as number) >= 1 && (t.layers as number) <= 4);
    assert.ok(t.act === 'relu' || t.act === 'tanh');
  }
  // Every integer and category is reached, and the log scale spreads over the decades.
  assert.deepEqual(new Set(a.map((t) => t.layers)), new Set([1, 2, 3, 4]));
  assert.ok(a.some((t) => (t.lr as number) < 0.001) && a.some((t) => (t.lr as number) > 0.01));
  const c = randomTrials(parseSweep(text.replace('seed: 7', 'seed: 8'), 'r.sweep.yaml'));
  assert.notDeepEqual(a, c);
});

test('JSON sweep files parse the same way', () => {
  const spec = parseSweep(JSON.stringify({ program: 'train.py', method: 'grid', parameters: { lr: { values: [1, 2] } } }), 'x.sweep.json');
  assert.equal(spec.name, 'x');
  assert.equal(gridTrials(spec).length, 2);
});

test('a bad sweep file gets an error with its line and column', () => {
  let e = errorAt('program: train.py\nmethod: grd\nparameters:\n  lr: [1]\n');
  assert.equal(e.line, 2);
  assert.equal(e.column, 9);
  assert.match(e.message, /^bad\.sweep\.yaml:2:9: method must be grid, random or bayes, not "grd"/);

  e = errorAt('program: train.py\nmethod: random\nrun_cap: 3\nparameters:\n  lr:\n    distribution: uniform\n    min: 1\n    max: 0.5\n');
  assert.equal(e.line, 8);
  assert.match(e.reason, /max of "lr" must be greater than its min/);

  e = errorAt('program: train.py\nmethod: grid\nparameters:\n  lr: {values: [1, 2}\n');
  assert.equal(e.line, 4);

  e = errorAt('program: train.py\nmethod: grid\nparamters:\n  lr: [1]\n');
  assert.equal(e.line, 3);
  assert.match(e.reason, /Unknown key "paramters"/);

  e = errorAt('program: train.py\nmethod: grid\nparameters:\n  lr: {distribution: uniform, min: 0, max: 1}\n');
  assert.equal(e.line, 4);
  assert.match(e.reason, /grid cannot try a continuous uniform parameter/);

  e = errorAt('program: train.py\nmethod: bayes\nrun_cap: 5\nparameters:\n  lr: [1, 2]\n');
  assert.match(e.reason, /bayes sweep needs a metric/);

  e = errorAt('program: train.py\nmethod: random\nparameters:\n  lr: [1, 2]\n');
  assert.match(e.reason, /needs run_cap/);

  e = errorAt('program: train.py\nmethod: grid\nparameters:\n  lr: [1, 2, 1]\n');
  assert.equal(e.line, 4);
  assert.equal(e.column, 14);
  assert.match(e.reason, /list 1 twice/);

  e = errorAt('program: train.py\nmethod: grid\nconcurrency: 0\nparameters:\n  lr: [1]\n');
  assert.equal(e.line, 3);

  e = errorAt('program: train.py\nmethod: grid\nparameters:\n  "--lr": [1]\n');
  assert.match(e.reason, /Invalid parameter name "--lr"/);

  e = errorAt('- just\n- a list\n');
  assert.match(e.reason, /mapping/);

  e = errorAt('{"program": "t.py", "method": "grid", "parameters": {"lr": [1]}, "seed": -1}', 'b.sweep.json');
  assert.equal(e.line, 1);
  assert.match(e.reason, /seed must be a whole number of at least 0/);
});

test('early termination needs a metric and defaults to one step', () => {
  const spec = parseSweep(`program: t.py\nmethod: random\nrun_cap: 4\nmetric: {name: loss}\nearly_terminate: {type: median}\nparameters:\n  a: [1, 2]\n`, 'p.sweep.yaml');
  assert.deepEqual(spec.earlyTerminate, { type: 'median', minSteps: 1, minTrials: 3 });
  assert.equal(spec.metric?.goal, 'minimize');
  const e = errorAt(`program: t.py\nmethod: grid\nearly_terminate: {type: median}\nparameters:\n  a: [1, 2]\n`);
  assert.match(e.reason, /early_terminate needs a metric/);
});
