// MLflow imports that keep every value and follow a run while it runs: repeated steps in both
// stores, a RUNNING run re-imported after it grew and finished (file store and mlflow.db),
// and run and experiment folders whose meta.yaml is missing.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { points } from '../../src/core/metricQueries';
import { getRun, listRuns } from '../../src/core/runQueries';
import { processEngine } from '../../src/core/sqlite/loadEngine';
import { openIndex, type Store } from '../../src/core/store';
import { type MlflowRunSpec, mlrunsRunFiles, pyValue, writeMlflowDb, writeMlflowFiles, writeMlruns } from '../fixtures/import/mlflow';
import { tempRoot, type TempRoot } from './runFolders';

const T = Date.UTC(2025, 6, 1, 12);

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-mlflow-sync-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

/** 10 values at each of 5 steps (a per-batch loss logged with step=epoch), then 3 logged without a step (MLflow writes 0). */
function repeated(uuid: string, status: MlflowRunSpec['status'] = 'FINISHED'): MlflowRunSpec {
  const metrics: MlflowRunSpec['metrics'] = [];
  for (let step = 0; step < 5; step++) for (let b = 0; b < 10; b++) metrics.push({ key: 'loss', value: step + b / 100, timestamp: T + step * 1000 + b, step });
  for (let i = 0; i < 3; i++) metrics.push({ key: 'final/map', value: 0.5 + i / 10, timestamp: T + 9000 + i, step: 0 });
  return { uuid, experimentId: 1, name: `run-${uuid.slice(0, 4)}`, status, start: T, end: status === 'RUNNING' ? null : T + 10_000, lifecycle: 'active', params: { lr: '0.1' }, tags: {}, metrics };
}

function series(store: Store, id: string, key: string): [number, number][] {
  const p = points(store, id, key);
  return [...p.steps].map((s, i) => [s, p.values[i]]);
}

test('every value at a repeated step is kept, in logged order, from the file store and from mlflow.db', () =>
  withWorkspace(async (tmp, store) => {
    const spec = repeated('aa11bb22cc33dd44ee55ff6600112233');
    const files = repeated('ff11bb22cc33dd44ee55ff6600112233');
    writeMlruns(join(tmp.workspace, 'mlruns'), [files]);
    writeMlflowDb(join(tmp.workspace, 'db', 'mlflow.db'), [spec]);
    const report = await importPaths(tmp.root, [join(tmp.workspace, 'mlruns'), join(tmp.workspace, 'db', 'mlflow.db')]);
    assert.deepEqual([report.errors, report.warnings], [[], []]);
    assert.equal(report.points, 2 * 53);
    ingestAll(store);
    for (const r of listRuns(store, {})) {
      const expected = spec.metrics.filter((m) => m.key === 'loss').map((m) => [m.step, m.value]);
      assert.deepEqual(series(store, r.id, 'loss'), expected);
      assert.deepEqual(series(store, r.id, 'final/map'), [[0, 0.5], [0, 0.6], [0, 0.7]]);
      assert.equal(getRun(store, r.id)?.metrics.find((m) => m.key === 'loss')?.count, 50);
    }
  }));

test('a RUNNING run in the file store, imported again after it grew and finished: new points, params, tags and status, nothing twice', () =>
  withWorkspace(async (tmp, store) => {
    const mlruns = join(tmp.workspace, 'mlruns');
    const spec = repeated('0123456789abcdef0123456789abcdef', 'RUNNING');
    spec.metrics = spec.metrics.slice(0, 20);
    writeMlruns(mlruns, [spec]);
    const first = await importPaths(tmp.root, [mlruns]);
    assert.equal(first.imported.length, 1);
    ingestAll(store);
    const id = first.imported[0].id;
    assert.equal(getRun(store, id)?.status, 'running');
    assert.equal((await importPaths(tmp.root, [mlruns])).alreadyPresent.length, 1);

    const more: [number, number | string, number][] = Array.from({ length: 30 }, (_, i) => [T + 20_000 + i, pyValue(2 + i / 100), 2 + Math.floor(i / 10)]);
    const finished = { ...spec, status: 'FINISHED' as const, end: T + 60_000, params: { ...spec.params, epochs: '5' }, tags: { team: 'vision' } };
    writeMlflowFiles(mlruns, [
      ...mlrunsRunFiles(mlruns, finished).filter(([p, kind]) => kind !== 'metric' && !p.endsWith('/artifacts')),
      [`1/${spec.uuid}/metrics/loss`, 'metric', more],
    ]);
    const second = await importPaths(tmp.root, [mlruns]);
    assert.deepEqual([second.errors, second.imported], [[], []]);
    assert.deepEqual(second.updated.map((u) => [u.id, u.points]), [[id, 30]]);
    ingestAll(store);
    const run = getRun(store, id);
    assert.equal(run?.status, 'finished');
    assert.equal(run?.ended, T + 60_000);
    assert.deepEqual(run?.params, { epochs: 5, lr: 0.1 });
    assert.deepEqual(run?.tags, ['team=vision']);
    assert.deepEqual(series(store, id, 'loss'), [...spec.metrics.map((m) => [m.step, m.value]), ...more.map(([, v, s]) => [s, v])]);
    const third = await importPaths(tmp.root, [mlruns]);
    assert.deepEqual([third.updated, third.imported], [[], []]);
  }));

test('a RUNNING run in mlflow.db, imported again after more rows and FINISHED: only the new rows', () =>
  withWorkspace(async (tmp, store) => {
    const file = join(tmp.workspace, 'mlflow.db');
    const spec = repeated('abcdefabcdefabcdefabcdefabcdef01', 'RUNNING');
    writeMlflowDb(file, [spec]);
    const first = await importPaths(tmp.root, [file]);
    const id = first.imported[0].id;
    assert.equal(first.points, 53);
    const db = processEngine().driver.open(file);
    try {
      for (let i = 0; i < 7; i++) db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, 0)').run('loss', 9 + i, T + 50_000 + i, spec.uuid, 4);
      db.prepare("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE run_uuid = ?").run(T + 70_000, spec.uuid);
    } finally {
      db.close();
    }
    const second = await importPaths(tmp.root, [file]);
    assert.deepEqual(second.updated.map((u) => [u.id, u.points]), [[id, 7]]);
    ingestAll(store);
    assert.equal(getRun(store, id)?.status, 'finished');
    const loss = series(store, id, 'loss');
    assert.equal(loss.length, 57);
    assert.deepEqual(loss.slice(-7), Array.from({ length: 7 }, (_, i) => [4, 9 + i]));
    assert.deepEqual((await importPaths(tmp.root, [file])).alreadyPresent.map((a) => a.id), [id]);
  }));

test('a run folder without meta.yaml is imported with what can be read, an experiment without one under its folder name; both said', () =>
  withWorkspace(async (tmp, store) => {
    const mlruns = join(tmp.workspace, 'mlruns');
    const spec: MlflowRunSpec = {
      ...repeated('11112222333344445555666677778888'),
      metrics: Array.from({ length: 600 }, (_, i) => ({ key: 'acc', value: i / 600, timestamp: T + i * 10, step: i })),
    };
    const other = { ...repeated('99992222333344445555666677778888'), experimentId: 7 };
    writeMlflowFiles(mlruns, [
      ['1/meta.yaml', 'yaml', { experiment_id: '1', name: 'vision', lifecycle_stage: 'active', artifact_location: 'file:///elsewhere' }],
      ...mlrunsRunFiles(mlruns, spec, false),
      ...mlrunsRunFiles(mlruns, other),
    ]);
    rmSync(join(mlruns, '7', 'meta.yaml'), { force: true });
    const report = await importPaths(tmp.root, [mlruns]);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.warnings.map((w) => [w.path, w.message]),
      [
        [join(mlruns, '7', 'meta.yaml'), 'meta.yaml is missing: experiment imported under its folder name "7"'],
        [join(mlruns, '1', spec.uuid, 'meta.yaml'), 'meta.yaml is missing: run imported without its name, status and times from it'],
      ],
    );
    ingestAll(store);
    const runs = listRuns(store, { order: { by: 'experiment' } });
    assert.deepEqual(runs.map((r) => [r.experiment, r.name]), [['7', other.name], ['vision', null]]);
    assert.equal(points(store, runs[1].id, 'acc').steps.length, 600);
    assert.equal(runs[1].started, T);
    assert.equal(runs[1].status, 'stopped');
    assert.match(runs[1].error ?? '', /status unknown: meta.yaml is missing/);
  }));
