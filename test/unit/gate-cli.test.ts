// `trackside gate` on registry fixtures: pass and fail with their reasons, the --json
// contract, promotion recorded in the alias log, the verdict in the gate log and the index
// (also after a rebuild), GitHub Actions outputs, and the degradation mode.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { gateHistory, latestGates } from '../../src/core/models/gateQueries';
import { syncModels } from '../../src/core/models/modelSync';
import { aliasLog, gateLog } from '../../src/core/models/registryPaths';
import { writeAlias } from '../../src/core/models/registryWrite';
import { rebuild } from '../../src/core/rebuild';
import { openIndex } from '../../src/core/store';
import { blobPath } from '../../src/core/blobs';
import type { GateResult } from '../../src/core/gate/gateTypes';
import { trackside } from './gateCli';
import { evaluationRun, trainingRun } from './modelFixtures';
import { append, tempRoot, type TempRoot } from './runFolders';

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** churn v1 (production), v2 (worse), v3 (better), each evaluated on the holdout file. */
function registry(): TempRoot {
  const tmp = tempRoot('trackside-gate-');
  const runs = ['20240101-000000-aaaaa1', '20240102-000000-aaaaa2', '20240103-000000-aaaaa3'];
  runs.forEach((id, i) => {
    trainingRun(tmp.root, id, 'churn', T0 + i * DAY);
    append(join(tmp.root, 'runs', id, 'events.jsonl'), { t: T0 + i * DAY + 5, type: 'params', values: { lr: [0.1, 0.1, 0.05][i], rows: 600 } });
  });
  writeAlias(tmp.root, 'churn', 'production', 1, T0 + 10);
  const metrics = [
    { auc: 0.8, 'val/loss': 0.4 },
    { auc: 0.78, 'val/loss': 0.42 },
    { auc: 0.83, 'val/loss': 0.38 },
  ];
  metrics.forEach((m, i) => evaluationRun(tmp.root, `2024011${i}-000000-bbbbb${i}`, 'churn', i + 1, T0 + (10 + i) * DAY, m, { data: 'holdout rows' }));
  writeFileSync(join(tmp.workspace, 'holdout.csv'), 'holdout rows');
  return tmp;
}

const compare = ['gate', '--model', 'churn', '--baseline', '@production', '--metric', 'auc', '--metric', 'val/loss', '--dataset', 'holdout.csv'];

test('gate: a worse candidate fails naming metric and delta, a better one passes and is promoted; the verdicts reach the index', () => {
  const tmp = registry();
  try {
    const worse = trackside(tmp.workspace, [...compare, '--candidate', '@2', '--report', 'gate.md']);
    assert.equal(worse.code, 1, worse.stderr);
    assert.match(worse.stdout, /^FAIL {2}churn v2 against v1 \(production\) on holdout\.csv/);
    assert.match(worse.stdout, /auc fell: -0\.02 \(0\.8 → 0\.78; higher is better\)/);
    assert.match(worse.stdout, /val\/loss rose: \+0\.02 \(0\.4 → 0\.42; lower is better\)/);
    const md = readFileSync(join(tmp.workspace, 'gate.md'), 'utf8');
    assert.match(md.split('\n')[0], /^## ✗ Trackside gate failed: churn v2 is worse than v1 \(production\)$/);
    assert.match(md, /\| auc \| higher \| 0\.8 \| 0\.78 \| -0\.02 \| ✗ fail \|/);
    assert.match(md, /The two training runs have the same parameters\./);

    const better = trackside(tmp.workspace, [...compare, '--candidate', '@latest', '--promote', 'production', '--json'], {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/churn',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: '0123456789abcdef',
    });
    assert.equal(better.code, 0, better.stderr);
    const r = JSON.parse(better.stdout) as GateResult;
    assert.deepEqual([r.format, r.mode, r.verdict, r.exitCode, r.model], [1, 'compare', 'pass', 0, 'churn']);
    assert.deepEqual([r.candidate?.version, r.candidate?.ref, r.baseline?.version, r.baseline?.ref], [3, '@latest', 1, '@production']);
    assert.deepEqual(r.metrics.map((m) => [m.key, m.direction, m.pass]), [['auc', 'higher', true], ['val/loss', 'lower', true]]);
    assert.ok(Math.abs(r.metrics[0].delta - 0.03) < 1e-12);
    assert.deepEqual(r.params, [{ key: 'lr', baseline: 0.1, candidate: 0.05 }]);
    assert.equal(r.dataset?.path, 'holdout.csv');
    assert.deepEqual(r.history.map((p) => [p.label, p.role]), [['v1', 'baseline'], ['v2', null], ['v3', 'candidate']]);
    assert.deepEqual(r.promotion, { alias: 'production', version: 3, previous: 1 });
    assert.deepEqual([r.commit, r.url], ['0123456789abcdef', 'https://github.com/acme/churn/actions/runs/77']);

    const aliasLines = readFileSync(aliasLog(tmp.root, 'churn'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(aliasLines.at(-1), { t: r.t, type: 'alias', alias: 'production', version: 3, gate: 'pass', commit: '0123456789abcdef', url: 'https://github.com/acme/churn/actions/runs/77' });
    const fetched = trackside(tmp.workspace, ['model', 'show', 'churn@production', '--json']);
    assert.equal(JSON.parse(fetched.stdout).version, 3);

    // A side named by the run that trained it, or by an evaluation run of it (production is v3 now).
    for (const [ref, version] of [['20240101-000000-aaaaa1', 1], ['eval-bb1', 2]] as const) {
      const byRun = trackside(tmp.workspace, [...compare, '--candidate', ref, '--json']);
      assert.equal(byRun.code, 1, byRun.stderr);
      assert.deepEqual([(JSON.parse(byRun.stdout) as GateResult).candidate?.version, (JSON.parse(byRun.stdout) as GateResult).baseline?.version], [version, 3]);
    }

    const gates = readFileSync(gateLog(tmp.root, 'churn'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(gates.map((g) => [g.verdict, g.version, g.baseline, g.promoted ?? null]), [['fail', 2, 1, null], ['pass', 3, 1, 'production'], ['fail', 1, 3, null], ['fail', 2, 3, null]]);
    assert.equal(gates[0].summary, 'auc -0.02, val/loss +0.02');
    assert.match(readFileSync(blobPath(tmp.root, gates[1].report), 'utf8'), /^## ✓ Trackside gate passed: churn v3 \(latest\) is at least as good as v1 \(production\)/);

    const read = () => {
      const store = openIndex(tmp.root);
      try {
        ingestAll(store);
        syncModels(store);
        return { all: gateHistory(store, 'churn'), v1: gateHistory(store, 'churn', 1).length, latest: [...latestGates(store, 'churn')].map(([v, g]) => [v, g.verdict]) };
      } finally {
        store.close();
      }
    };
    const before = read();
    assert.deepEqual(before.all.map((g) => [g.version, g.verdict, g.line]), [[2, 'fail', 4], [1, 'fail', 3], [3, 'pass', 2], [2, 'fail', 1]]);
    assert.equal(before.v1, 3, 'v1 was the baseline of two and the candidate of one');
    assert.deepEqual(before.latest.sort(), [[1, 'fail'], [2, 'fail'], [3, 'pass']]);
    rebuild(tmp.root);
    assert.deepEqual(read(), before);
  } finally {
    tmp.cleanup();
  }
});

test('gate under GitHub Actions: the report goes to the job summary, the verdict to the step outputs', () => {
  const tmp = registry();
  try {
    const summary = join(tmp.workspace, 'summary.md');
    const output = join(tmp.workspace, 'output.txt');
    writeFileSync(summary, '# earlier step\n');
    const r = trackside(tmp.workspace, [...compare, '--candidate', '@2', '--report', 'gate.md'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output });
    assert.equal(r.code, 1);
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('# earlier step\n## ✗ Trackside gate failed'), text.slice(0, 80));
    assert.equal(readFileSync(output, 'utf8'), `verdict=fail\nexit-code=1\nsummary=auc -0.02, val/loss +0.02\nreport=${join(tmp.workspace, 'gate.md')}\n`);
  } finally {
    tmp.cleanup();
  }
});

function column(name: string, counts: number[]): unknown {
  const edges = counts.map((_, i) => (10 * i) / counts.length).concat(10);
  return { name, type: 'numeric', count: counts.reduce((a, b) => a + b, 0), nulls: 0, mean: 5, std: 1, min: 0, max: 10, hist: { edges, counts, under: 0, over: 0 } };
}

test('gate --degradation: the newest evaluation against the first with the workspace tolerance; --max-psi names the drifted columns', () => {
  const tmp = tempRoot('trackside-gate-');
  try {
    trainingRun(tmp.root, '20240101-000000-aaaaa1', 'churn', T0, [column('tenure', [10, 10, 10, 10]), column('calls', [10, 10, 10, 10])]);
    writeAlias(tmp.root, 'churn', 'production', 1, T0 + 10);
    evaluationRun(tmp.root, '20240102-000000-bbbbb1', 'churn', 1, T0 + DAY, { auc: 0.8, log_loss: 0.4 }, { data: 'january', columns: [column('tenure', [10, 10, 10, 10]), column('calls', [10, 10, 10, 10])] });
    evaluationRun(tmp.root, '20240201-000000-bbbbb2', 'churn', 1, T0 + 31 * DAY, { auc: 0.7, log_loss: 0.41 }, { data: 'november', columns: [column('tenure', [1, 1, 1, 37]), column('calls', [10, 11, 10, 9])] });
    writeFileSync(join(tmp.workspace, 'november.csv'), 'november');
    const args = ['gate', '--model', 'churn@production', '--degradation', '--dataset', 'november.csv'];

    const fell = trackside(tmp.workspace, [...args, '--max-psi', '0.2', '--json']);
    assert.equal(fell.code, 1, fell.stderr);
    const r = JSON.parse(fell.stdout) as GateResult;
    assert.deepEqual([r.mode, r.verdict, r.candidate?.version, r.baseline?.evaluation?.name, r.candidate?.evaluation?.name], ['degradation', 'fail', 1, 'eval-bb1', 'eval-bb2']);
    assert.deepEqual(r.metrics.map((m) => [m.key, m.pass]), [['auc', false], ['log_loss', true]]);
    assert.ok(Math.abs((r.metrics[0].change ?? 0) - 0.125) < 1e-12);
    assert.equal(r.drift.columns[0].column, 'tenure');
    assert.deepEqual(r.reasons.slice(0, 1), ['auc worsened 12.5 % (0.8 → 0.7; higher is better, tolerance 5 %)']);
    assert.match(r.reasons[1], /^column tenure drifted: PSI \d\.\d{3} > 0\.2 \(major\)/);
    assert.equal(r.reasons.length, 2, 'calls did not drift');

    assert.equal(trackside(tmp.workspace, [...args, '--tolerance', '0.2']).code, 0);
    mkdirSync(join(tmp.workspace, '.vscode'));
    writeFileSync(join(tmp.workspace, '.vscode', 'settings.json'), '{\n  // looser for this model\n  "trackside.degradationTolerance": 0.15,\n}\n');
    const loose = trackside(tmp.workspace, args);
    assert.equal(loose.code, 0, loose.stdout);
    assert.match(loose.stdout, /^PASS {2}churn v1 \(latest, production\) against its first evaluation on november\.csv/);
    assert.match(loose.stdout, /auc .*12\.5 % worse/);
  } finally {
    tmp.cleanup();
  }
});
