// `trackside gate --evaluate`: a side without an evaluation on the data set is evaluated by
// running the command as a tracked run (the Python client attaches to the gate's run folder),
// once; a command that fails or evaluates nothing is missing data.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAlias } from '../../src/core/models/registryWrite';
import { trackside } from './gateCli';
import { trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

const T0 = Date.UTC(2024, 0, 1);
const EVAL = `import sys, trackside
ref, data = sys.argv[1], sys.argv[2]
run = trackside.init(model=ref, name="eval-" + ref.replace("@", "-v"))
run.log_dataset(data)
run.log({"auc": {"churn@1": 0.8, "churn@2": 0.85}[ref]})
run.finish()
print("evaluated", ref)
`;

function events(root: string, id: string): Record<string, unknown>[] {
  return readFileSync(join(root, 'runs', id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('gate --evaluate runs each missing evaluation once, as a tracked evaluation run', () => {
  const tmp = tempRoot('trackside-gate-eval-');
  try {
    for (let i = 1; i <= 3; i++) trainingRun(tmp.root, `2024010${i}-000000-aaaaa${i}`, 'churn', T0 + i);
    writeAlias(tmp.root, 'churn', 'production', 1, T0 + 10);
    writeFileSync(join(tmp.workspace, 'eval.py'), EVAL);
    writeFileSync(join(tmp.workspace, 'holdout.csv'), 'id,x\n1,2\n2,3\n');
    const gate = (candidate: string, command: string) =>
      trackside(tmp.workspace, ['gate', '--model', 'churn', '--candidate', candidate, '--baseline', '@production', '--metric', 'auc', '--dataset', 'holdout.csv', '--evaluate', command, '--json']);

    const first = gate('@2', 'python3 eval.py {ref} {dataset}');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /trackside gate: evaluating churn v2: python3 eval\.py churn@2 holdout\.csv\n/);
    assert.match(first.stderr, /evaluated churn@1/);
    const r = JSON.parse(first.stdout) as { evaluated: string[]; candidate: { evaluation: { name: string; ranByGate: boolean } }; metrics: { delta: number }[] };
    assert.equal(r.evaluated.length, 2);
    assert.deepEqual([r.candidate.evaluation.name, r.candidate.evaluation.ranByGate], ['eval-churn-v2', true]);
    assert.ok(Math.abs(r.metrics[0].delta - 0.05) < 1e-12);
    const log = events(tmp.root, r.evaluated[0]);
    const start = log[0] as { type: string; source: string; job: string; command: string; experiment: string };
    assert.deepEqual([start.type, start.source, start.job, start.command], ['run', 'gate', 'evaluation', 'python3 eval.py churn@2 holdout.csv']);
    assert.deepEqual(log.filter((e) => e.type === 'model_ref').map((e) => [e.name, e.version]), [['churn', 2]]);
    assert.deepEqual(log.at(-1), { ...log.at(-1), type: 'status', status: 'finished', exit_code: 0 });
    assert.match(readFileSync(join(tmp.root, 'runs', r.evaluated[0], 'files', 'output.log'), 'utf8'), /evaluated churn@2/);

    const again = gate('@2', 'python3 eval.py {ref} {dataset}');
    assert.equal(again.code, 0);
    assert.deepEqual((JSON.parse(again.stdout) as { evaluated: string[] }).evaluated, [], 'the evaluations are there now');

    const runsBefore = readdirSync(join(tmp.root, 'runs')).length;
    const broken = gate('@3', `python3 -c "import sys; sys.exit(5)" {ref}`);
    assert.equal(broken.code, 3);
    const b = JSON.parse(broken.stdout) as { verdict: string; reasons: string[]; evaluated: string[] };
    assert.equal(b.verdict, 'missing');
    assert.match(b.reasons[0], /^the evaluation of churn v3 exited with code 5 \(run \d{8}-\d{6}-[0-9a-f]{6}\): python3 -c/);
    assert.deepEqual(events(tmp.root, b.evaluated[0]).at(-1), { ...events(tmp.root, b.evaluated[0]).at(-1), status: 'failed', exit_code: 5 });
    assert.equal(readdirSync(join(tmp.root, 'runs')).length, runsBefore + 1, 'one run: the failed evaluation');

    const unrelated = gate('@3', 'echo {ref}');
    assert.equal(unrelated.code, 3);
    assert.match(unrelated.stdout, /it did not evaluate churn v3: the script should call trackside\.init\(model=…\)/);
  } finally {
    tmp.cleanup();
  }
});
