// MLflow import from both stores, built per MLflow's on-disk formats (test/fixtures/import/mlflow.ts):
// the mlruns/ file store and the mlflow.db SQL store give the same runs, and a run imported
// from one is not imported again from the other.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { blobPath } from '../../src/core/blobs';
import { importPaths } from '../../src/core/import/importPaths';
import { parseMetaYaml } from '../../src/core/import/mlflowYaml';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { compileQuery } from '../../src/core/query/compile';
import { type RunDetail, getRun, listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { MLFLOW_RUNS, writeMlflowDb, writeMlruns } from '../fixtures/import/mlflow';
import { tempRoot, type TempRoot } from './runFolders';

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-mlflow-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

/** What both stores must agree on, without the ids and paths that differ. */
function portable(store: Store): unknown[] {
  return listRuns(store, { order: { by: 'started', desc: false } }).map((r) => {
    const d = getRun(store, r.id) as RunDetail;
    return {
      name: d.name,
      experiment: d.experiment,
      status: d.status,
      started: d.started,
      ended: d.ended,
      note: d.note,
      tags: d.tags,
      params: d.params,
      git: d.git?.commit ?? null,
      script: d.script,
      metrics: d.metrics.map((m) => ({ key: m.key, count: m.count, last: m.last, max: m.max, nans: m.nans })),
      series: d.metrics.map((m) => [...points(store, r.id, m.key).values]),
      artifacts: d.artifacts.map((a) => ({ name: a.name, kind: a.kind, files: a.files.map((f) => f.path) })),
    };
  });
}

test('meta.yaml as yaml.safe_dump writes it: quoting, folding, empty lists; not YAML is an error, not text', () => {
  assert.deepEqual(
    parseMetaYaml("a: 'it''s'\nb: \"x\\ty\"\nc: ''\nd: 12\ne: plain words\n  folded on\ntags: []\nf: null\ng: '0'\n"),
    { a: "it's", b: 'x\ty', c: '', d: 12, e: 'plain words folded on', tags: [], f: null, g: '0' },
  );
  assert.throws(() => parseMetaYaml('run_id: [unclosed\n'), /meta.yaml is not valid YAML/);
  assert.throws(() => parseMetaYaml('- a\n- b\n'), /not a YAML mapping/);
});

test('the mlruns/ file store: experiments, runs, params, metrics, tags and artifacts', () =>
  withWorkspace(async (tmp, store) => {
    const mlruns = join(tmp.workspace, 'mlruns');
    writeMlruns(mlruns);
    const report = await importPaths(tmp.root, [mlruns]);
    assert.deepEqual(report.errors, []);
    assert.equal(report.imported.length, 2);
    assert.deepEqual(report.skipped.map((s) => s.reason), ['run deleted in MLflow']);
    ingestAll(store);
    const [first, second] = portable(store) as Record<string, unknown>[];
    const spec = MLFLOW_RUNS[0];
    assert.equal(first.name, 'resnet-sgd');
    assert.equal(first.experiment, 'vision');
    assert.equal(first.status, 'finished');
    assert.equal(first.started, spec.start);
    assert.equal(first.ended, spec.end);
    assert.equal(first.note, 'baseline run');
    assert.deepEqual(first.tags, ['candidate', 'team=vision']);
    assert.deepEqual(first.params, { lr: 0.01, 'model/depth': 50, optimizer: 'sgd', pretrained: true });
    assert.equal(first.git, 'abcdef0123456789abcdef0123456789abcdef01');
    assert.equal(first.script, 'train.py');
    assert.deepEqual(first.metrics, [
      { key: 'loss', count: 3, last: 0.4, max: 1.5, nans: 0 },
      { key: 'val/acc', count: 3, last: 0.8, max: 0.8, nans: 1 },
    ]);
    assert.deepEqual(first.artifacts, [
      { name: 'confusion.txt', kind: 'file', files: [] },
      { name: 'model', kind: 'model', files: ['MLmodel', 'model.pkl'] },
    ]);
    assert.equal(second.status, 'failed');
    assert.equal(second.name, MLFLOW_RUNS[1].name);
    assert.deepEqual((second.series as number[][])[0], [Infinity]);
    // Artifact blobs are in the store.
    const run = listRuns(store, { where: compileQuery('name = resnet-sgd') })[0];
    const model = getRun(store, run.id)?.artifacts.find((a) => a.name === 'model');
    const pkl = model?.files.find((f) => f.path === 'model.pkl');
    assert.equal(readFileSync(blobPath(tmp.root, pkl?.hash ?? ''), 'utf8'), 'PICKLE');
  }));

test('mlflow.db gives the same runs as the file store; a run already imported from one is not imported from the other', async () => {
  const fromFiles = await (async () => {
    let out: unknown[] = [];
    await withWorkspace(async (tmp, store) => {
      writeMlruns(join(tmp.workspace, 'mlruns'));
      await importPaths(tmp.root, [join(tmp.workspace, 'mlruns')]);
      ingestAll(store);
      out = portable(store);
    });
    return out;
  })();
  await withWorkspace(async (tmp, store) => {
    const db = join(tmp.workspace, 'server', 'mlflow.db');
    writeMlflowDb(db);
    const report = await importPaths(tmp.root, [db]);
    assert.deepEqual(report.errors, []);
    assert.equal(report.imported.length, 2);
    assert.equal(report.skipped.length, 1);
    ingestAll(store);
    const fromDb = portable(store) as Record<string, unknown>[];
    // ±Inf is stored as ±max float in the SQL store; MLflow reads it back that way too.
    (fromDb[1].series as number[][])[0] = [Infinity];
    (fromDb[1].metrics as { last: number; max: number }[])[0].last = Infinity;
    (fromDb[1].metrics as { last: number; max: number }[])[0].max = Infinity;
    assert.deepEqual(fromDb, fromFiles);
    // The same MLflow runs from the other store, and again from this one: nothing new.
    writeMlruns(join(tmp.workspace, 'mlruns'));
    const again = await importPaths(tmp.root, [join(tmp.workspace, 'mlruns'), db]);
    assert.equal(again.imported.length, 0);
    assert.equal(again.alreadyPresent.length, 4);
    assert.equal(listRuns(store, {}).length, 2);
  });
});

test('one experiment folder or one run folder can be imported on its own; bad metric lines are reported', () =>
  withWorkspace(async (tmp, store) => {
    const mlruns = join(tmp.workspace, 'mlruns');
    writeMlruns(mlruns);
    const runDir = join(mlruns, '1', MLFLOW_RUNS[1].uuid);
    writeFileSync(join(runDir, 'metrics', 'loss'), '1750000000000 0.5 0\nnot a metric line at all\n1750000001000 nan 1\n');
    const one = await importPaths(tmp.root, [runDir]);
    assert.equal(one.imported.length, 1);
    assert.equal(one.errors.length, 1);
    assert.match(one.errors[0].path, /metrics[/\\]loss:2$/);
    const experiment = await importPaths(tmp.root, [join(mlruns, '1')]);
    assert.equal(experiment.imported.length, 1);
    assert.equal(experiment.alreadyPresent.length, 1);
    ingestAll(store);
    const failed = listRuns(store, { where: compileQuery('status = failed') })[0];
    assert.deepEqual([...points(store, failed.id, 'loss').values].map(String), ['0.5', 'NaN']);
    assert.equal(failed.experiment, 'vision');
  }));
