// The sample pipeline's steps as a script on the churn sample (Debian's Python with numpy
// and scikit-learn): v1 trained and promoted; v2 trained worse fails the gate on the metric
// and its delta; v3 trained better passes and --promote moves production, which then fetches
// as v3; the monthly job on shifted data fails with the drifted columns named.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, trackside } from './gateCli';

const PYTHON = '/usr/bin/python3';
const hasSklearn = spawnSync(PYTHON, ['-c', 'import numpy, sklearn'], { encoding: 'utf8' }).status === 0;

function py(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(REPO, 'src', 'python') };
  delete env.TRACKSIDE_HOME;
  delete env.TRACKSIDE_RUN_DIR;
  const r = spawnSync(PYTHON, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const EVALUATE = `${PYTHON} evaluate.py --model {ref} --data {dataset}`;

test('the train-and-gate pipeline and the monthly re-evaluation on the churn sample', { skip: !hasSklearn && `${PYTHON} has no numpy/scikit-learn` }, () => {
  const ws = mkdtempSync(join(tmpdir(), 'trackside-pipeline-'));
  try {
    for (const f of readdirSync(join(REPO, 'sample'))) if (f.endsWith('.py')) cpSync(join(REPO, 'sample', f), join(ws, f));
    mkdirSync(join(ws, '.trackside'));
    py(ws, 'churn_data.py', 'data/test.csv');
    const gate = (...extra: string[]) =>
      trackside(ws, ['gate', '--model', 'churn', '--candidate', '@latest', '--baseline', '@production', '--metric', 'auc', '--metric', 'log_loss',
        '--dataset', 'data/test.csv', '--evaluate', EVALUATE, '--max-psi', '0.2', '--report', 'gate.md', ...extra]);

    assert.match(py(ws, 'train_churn.py', '--rows', '600', '--alias', 'production'), /churn v1/);
    assert.match(py(ws, 'train_churn.py', '--rows', '150'), /churn v2/);
    const worse = gate('--promote', 'production');
    assert.equal(worse.code, 1, worse.stdout + worse.stderr);
    assert.match(worse.stdout, /^FAIL {2}churn v2 \(latest\) against v1 \(production\) on data\/test\.csv/);
    const report = readFileSync(join(ws, 'gate.md'), 'utf8');
    assert.match(report, /^## ✗ Trackside gate failed: churn v2 \(latest\) is worse than v1 \(production\)\n/);
    assert.match(report, /^- auc fell: -0\.015\d* \(0\.819\d* → 0\.804\d*; higher is better\)$/m);
    assert.match(report, /^\| auc \| higher \| 0\.819\d* \| 0\.804\d* \| -0\.015\d* \| ✗ fail \|$/m);
    assert.match(report, /^\*\*Not promoted:\*\* churn@production stays where it is\.$/m);
    assert.match(report, /^\| rows \| 600 \| 150 \|$/m, 'the param diff of the two training runs');
    assert.match(report, /xychart-beta\n {2}title "auc over churn's versions on this data set"\n {2}x-axis \["v1 baseline", "v2 candidate"\]/);

    assert.match(py(ws, 'train_churn.py', '--rows', '5000'), /churn v3/);
    const better = gate('--promote', 'production', '--json');
    assert.equal(better.code, 0, better.stdout + better.stderr);
    const r = JSON.parse(better.stdout) as { verdict: string; metrics: { key: string; delta: number; pass: boolean }[]; promotion: unknown; evaluated: string[]; drift: { columns: { pass: boolean }[] } };
    assert.equal(r.verdict, 'pass');
    assert.ok(r.metrics[0].delta > 0 && r.metrics[1].delta < 0, JSON.stringify(r.metrics));
    assert.deepEqual(r.promotion, { alias: 'production', version: 3, previous: 1 });
    assert.equal(r.evaluated.length, 1, 'v1 was evaluated on data/test.csv by the first gate already');
    assert.ok(r.drift.columns.length >= 4 && r.drift.columns.every((c) => c.pass), 'the test data is like the training data');

    const deploy = join(ws, 'deploy');
    const fetched = trackside(ws, ['model', 'fetch', 'churn@production', '--to', deploy, '--json']);
    assert.equal(fetched.code, 0, fetched.stderr);
    const manifest = JSON.parse(readFileSync(join(deploy, 'manifest.json'), 'utf8')) as { version: number; hash: string; files: { path: string }[] };
    const v3 = JSON.parse(readFileSync(join(ws, '.trackside', 'models', 'churn', 'versions', '3.json'), 'utf8')) as { hash: string };
    assert.deepEqual([manifest.version, manifest.hash], [3, v3.hash]);
    assert.deepEqual(manifest.files.map((f) => f.path).sort(), ['code/churn_inference.py', 'weights/model.pkl']);

    py(ws, 'churn_data.py', 'data/2026-11.csv', '--shift', '1', '--seed', '11');
    const monthly = trackside(ws, ['gate', '--model', 'churn@production', '--degradation', '--dataset', 'data/2026-11.csv', '--evaluate', EVALUATE, '--max-psi', '0.2', '--report', 'monthly.md']);
    assert.equal(monthly.code, 1, monthly.stdout + monthly.stderr);
    assert.match(monthly.stdout, /^FAIL {2}churn v3 \(latest, production\) against its first evaluation on data\/2026-11\.csv/);
    for (const column of ['tenure', 'monthly_charges', 'support_calls']) assert.match(monthly.stdout, new RegExp(`column ${column} drifted: PSI \\d+\\.\\d{3} > 0\\.2 \\(major\\)`));
    assert.match(monthly.stdout, /auc worsened \d+(\.\d)? % \(0\.827\d* → 0\.5\d*; higher is better, tolerance 5 %\)/);
    const monthlyReport = readFileSync(join(ws, 'monthly.md'), 'utf8');
    assert.match(monthlyReport, /^## ✗ Trackside gate failed: churn v3 \(latest, production\) degraded on data\/2026-11\.csv\n/);
    assert.match(monthlyReport, /^\| tenure \| \d\.\d{3} \| major \| customers \| ✗ > 0\.2 \|$/m);
    assert.match(monthlyReport, /^\| contract \| [^|]+ \| stable \| customers \| ✓ \|$/m);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
