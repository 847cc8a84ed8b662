// Parameter importance without Optuna: |Spearman's rho| of each parameter with the metric,
// checked against scipy.stats.spearmanr (Debian's python3-scipy, which scikit-learn brings).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { rankImportance } from '../../src/core/sweeps/rankImportance';

const PYTHON = '/usr/bin/python3';

/** |rho| from scipy for each column against y; a category is first replaced by its mean y. */
function scipyRho(columns: Record<string, (number | string)[]>, y: number[]): Record<string, number> {
  const script = `
import json, sys
from scipy.stats import spearmanr
data = json.load(sys.stdin)
y = data["y"]
out = {}
for name, xs in data["columns"].items():
    if not all(isinstance(v, (int, float)) for v in xs):
        means = {}
        for v, t in zip(xs, y):
            means.setdefault(str(v), []).append(t)
        xs = [sum(means[str(v)]) / len(means[str(v)]) for v in xs]
    rho = spearmanr(xs, y).statistic
    out[name] = 0.0 if rho != rho else abs(rho)
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify({ columns, y }), encoding: 'utf8' })) as Record<string, number>;
}

function trialsOf(columns: Record<string, (number | string)[]>, y: number[]): { params: Record<string, number | string>; value: number }[] {
  return y.map((value, i) => ({ value, params: Object.fromEntries(Object.entries(columns).map(([k, xs]) => [k, xs[i]])) }));
}

test('each parameter scores |rho| as scipy computes it: numbers, ties, categories, a constant', () => {
  let seed = 11;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const n = 40;
  const lr = Array.from({ length: n }, () => 10 ** (-4 + 3 * random()));
  const depth = Array.from({ length: n }, () => 2 + Math.floor(random() * 4)); // many ties
  const opt = Array.from({ length: n }, (_, i) => ['adam', 'sgd', 'rmsprop'][i % 3]);
  const noise = Array.from({ length: n }, () => random());
  const constant = Array.from({ length: n }, () => 64);
  const y = lr.map((v, i) => Math.log10(v) * 0.5 + depth[i] * 0.1 + (opt[i] === 'sgd' ? 0.4 : 0) + noise[i] * 0.05);
  const columns = { lr, depth, opt, noise, batch: constant };
  const ours = rankImportance(trialsOf(columns, y), Object.keys(columns));
  const theirs = scipyRho(columns, y);
  for (const name of Object.keys(columns)) assert.ok(Math.abs(ours[name] - theirs[name]) < 1e-9, `${name}: ${ours[name]} vs scipy ${theirs[name]}`);
  assert.equal(ours.batch, 0, 'a parameter that never changed says nothing');
  assert.ok(ours.lr > ours.noise && ours.opt > ours.noise, JSON.stringify(ours));
});

test('a metric that falls as a parameter rises scores as high as one that rises with it', () => {
  const x = [1, 2, 3, 4, 5];
  const scores = rankImportance(trialsOf({ up: x, down: x.map((v) => -v) }, [0.1, 0.2, 0.3, 0.4, 0.5]), ['up', 'down']);
  assert.deepEqual(scores, { up: 1, down: 1 });
});
