// `trackside gate` given what a pipeline can get wrong: each case a clear message and the
// documented exit code (2 usage, 3 missing data, 1 a NaN candidate), and no verdict recorded
// unless one was reached.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateLog } from '../../src/core/models/registryPaths';
import { writeAlias } from '../../src/core/models/registryWrite';
import { trackside } from './gateCli';
import { evaluationRun, trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

const cases: { name: string; args: string[]; code: number; message: RegExp }[] = [
  { name: 'unknown model', args: ['--model', 'fraud'], code: 3, message: /there is no model "fraud" \(models: churn\)/ },
  { name: 'unknown alias', args: ['--baseline', '@staging'], code: 3, message: /no model version churn@staging: "churn" has no alias "staging"/ },
  { name: 'unknown version', args: ['--candidate', '@9'], code: 3, message: /"churn" has no version 9/ },
  { name: 'unknown run', args: ['--candidate', 'nightly-17'], code: 3, message: /no run "nightly-17"/ },
  { name: 'unknown metric', args: ['--metric', 'f1'], code: 3, message: /neither evaluation logged the metric f1 \(the candidate's run eval-bb2 logged auc, loss\)/ },
  { name: 'unknown data set file', args: ['--dataset', 'nowhere.csv'], code: 3, message: /no data set at nowhere\.csv/ },
  {
    name: 'a data set neither side was evaluated on',
    args: ['--dataset', 'other.csv'],
    code: 3,
    message: /no finished evaluation of the candidate, churn v2, on other\.csv \(sha256 [0-9a-f]{12}…\)[^\n]*\n[^\n]*no finished evaluation of the baseline, churn v1/,
  },
  { name: 'candidate equal to baseline', args: ['--candidate', '@1'], code: 2, message: /the candidate \(@1\) and the baseline \(@production\) are both churn v1: nothing to compare/ },
  { name: 'a metric missing on one side', args: ['--candidate', '@3', '--metric', 'loss'], code: 3, message: /the candidate's evaluation \(run eval-bb3\) logged no loss \(it logged auc\)/ },
  { name: 'a NaN candidate', args: ['--candidate', '@4'], code: 1, message: /auc of the candidate is NaN, not a number to compare \(baseline 0\.8\)/ },
  { name: 'a NaN baseline', args: ['--candidate', '@2', '--baseline', '@4'], code: 3, message: /the baseline's auc is NaN \(run eval-bb4\): nothing to hold the candidate to/ },
  { name: 'no --metric', args: ['--no-metric'], code: 2, message: /gate needs at least one --metric KEY/ },
  { name: 'no --baseline', args: ['--no-baseline'], code: 2, message: /gate needs --baseline REF/ },
  { name: 'a --min-delta that is not a number', args: ['--min-delta', 'a lot'], code: 2, message: /--min-delta must be a number \(got "a lot"\)/ },
  { name: 'a negative --max-psi', args: ['--max-psi=-1'], code: 2, message: /--max-psi must be a number ≥ 0/ },
  { name: 'promoting to latest', args: ['--promote', 'latest'], code: 2, message: /--promote "latest": an alias such as production/ },
  { name: 'a malformed reference', args: ['--baseline', '@pro/d'], code: 2, message: /--baseline "@pro\/d": use @latest, @N \(a version\), @ALIAS or a run id/ },
  { name: 'an unknown flag', args: ['--treshold', '1'], code: 2, message: /Unknown option '--treshold'/ },
  { name: '{dataset} without --dataset', args: ['--no-dataset', '--evaluate', 'python eval.py {ref} {dataset}'], code: 2, message: /--evaluate uses \{dataset\}: give --dataset PATH/ },
  { name: '--degradation with a baseline', args: ['--degradation'], code: 2, message: /--degradation holds a version to its own first evaluation: no --baseline/ },
];

test('gate: bad input gets a clear message and its exit code', () => {
  const tmp = tempRoot('trackside-gate-bad-');
  try {
    for (let i = 1; i <= 4; i++) trainingRun(tmp.root, `2024010${i}-000000-aaaaa${i}`, 'churn', T0 + i * DAY);
    writeAlias(tmp.root, 'churn', 'production', 1, T0 + 10);
    const evals: Record<string, number>[] = [{ auc: 0.8, loss: 0.4 }, { auc: 0.78, loss: 0.42 }, { auc: 0.85 }, { auc: Number.NaN, loss: 0.3 }];
    evals.forEach((m, i) => evaluationRun(tmp.root, `2024011${i}-000000-bbbbb${i + 1}`, 'churn', i + 1, T0 + (10 + i) * DAY, m, { data: 'holdout' }));
    writeFileSync(join(tmp.workspace, 'holdout.csv'), 'holdout');
    writeFileSync(join(tmp.workspace, 'other.csv'), 'other rows');
    for (const c of cases) {
      const flags = new Map<string, string[]>([
        ['--model', ['churn']],
        ['--candidate', ['@2']],
        ['--baseline', ['@production']],
        ['--metric', ['auc']],
        ['--dataset', ['holdout.csv']],
      ]);
      const extra: string[] = [];
      for (let j = 0; j < c.args.length; j++) {
        const a = c.args[j];
        if (a.startsWith('--no-')) flags.delete(`--${a.slice(5)}`);
        else if (a === '--degradation') {
          flags.set('--model', ['churn@production']);
          flags.delete('--candidate');
          extra.push(a);
        } else if (flags.has(a)) flags.set(a, [c.args[++j]]);
        else extra.push(a, ...(c.args[j + 1] !== undefined ? [c.args[++j]] : []));
      }
      const args = ['gate', ...[...flags].flatMap(([k, v]) => [k, ...v]), ...extra];
      const r = trackside(tmp.workspace, args);
      assert.equal(r.code, c.code, `${c.name}: exit ${r.code}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, c.message, c.name);
      if (c.code === 3) assert.match(r.stdout, /^MISSING DATA {2}\w+/, `${c.name}: the verdict line says missing data`);
      if (c.code === 2) assert.equal(r.stdout, '', `${c.name}: usage errors print no verdict`);
    }
    // Only the NaN candidate was decided (a fail); missing data and usage errors log nothing.
    const logged = readFileSync(gateLog(tmp.root, 'churn'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verdict: string; version: number });
    assert.deepEqual(logged.map((g) => [g.verdict, g.version]), [['fail', 4]]);
  } finally {
    tmp.cleanup();
  }
});

test('gate: no .trackside folder is missing data (3), with --json a verdict object all the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-gate-none-'));
  try {
    const r = trackside(dir, ['gate', '--model', 'churn', '--baseline', '@production', '--metric', 'auc', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { verdict: string; exitCode: number; reasons: string[] };
    assert.deepEqual([out.verdict, out.exitCode], ['missing', 3]);
    assert.match(out.reasons[0], /^no \.trackside folder in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
