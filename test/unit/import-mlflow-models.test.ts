// MLflow completeness: MLflow 3 logged models and the model registry (versions, aliases,
// stages) become Trackside model versions and aliases; mlflow.parentRunId becomes a parent
// link; artifacts recorded under another machine's paths are found next to the store, and an
// artifact_uri pointing anywhere else on this machine is never followed.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { hashBytes } from '../../src/core/blobs';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { listModels, listVersions } from '../../src/core/models/modelQueries';
import { syncModels } from '../../src/core/models/modelSync';
import { blobPath } from '../../src/core/blobs';
import { getRun, listRuns, parentLinks } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { type MlflowRunSpec, mlrunsFiles, writeMlflowDb, writeMlflowFiles } from '../fixtures/import/mlflow';
import { tempRoot, type TempRoot } from './runFolders';

const T = Date.UTC(2025, 7, 1, 8);
const PARENT = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0';
const CHILD = 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1';

function withWorkspace(fn: (tmp: TempRoot, store: Store) => Promise<void>): Promise<void> {
  const tmp = tempRoot('trackside-mlflow-models-');
  const store = openIndex(tmp.root);
  return fn(tmp, store).finally(() => {
    store.close();
    tmp.cleanup();
  });
}

function run(uuid: string, name: string, over: Partial<MlflowRunSpec> = {}): MlflowRunSpec {
  return { uuid, experimentId: 1, name, status: 'FINISHED', start: T, end: T + 1000, lifecycle: 'active', params: {}, tags: {}, metrics: [{ key: 'loss', value: 1, timestamp: T + 10, step: 0 }], ...over };
}

test('MLflow 3 logged models and the registry become model versions and aliases; stages are kept as tags', () =>
  withWorkspace(async (tmp, store) => {
    const mlruns = join(tmp.workspace, 'mlruns');
    writeMlflowFiles(mlruns, [
      ...mlrunsFiles(mlruns, [run(PARENT, 'trainer', { artifacts: { 'model/MLmodel': 'flavors: {}\n', 'model/model.pkl': 'V2 WEIGHTS' } })]),
      // A logged model (MLflow 3) of the run, registered as version 1; another one never registered.
      ['1/models/m-aaa/meta.yaml', 'yaml', { model_id: 'm-aaa', experiment_id: '1', name: 'model', source_run_id: PARENT, creation_timestamp: T + 100, artifact_location: pathToFileURL(join(mlruns, '1/models/m-aaa/artifacts')).href, status: 'READY' }],
      ['1/models/m-aaa/artifacts/MLmodel', 'text', 'flavors: {}\n'],
      ['1/models/m-aaa/artifacts/model.pkl', 'text', 'V1 WEIGHTS'],
      ['1/models/m-bbb/meta.yaml', 'yaml', { model_id: 'm-bbb', experiment_id: '1', name: 'scratch model', source_run_id: PARENT, creation_timestamp: T + 200, status: 'READY' }],
      ['1/models/m-bbb/artifacts/model.pkl', 'text', 'SCRATCH'],
      // The registry: version 1 from the logged model, version 2 from the run's artifacts, an alias.
      ['models/churn/meta.yaml', 'yaml', { name: 'churn', creation_timestamp: T, last_updated_timestamp: T, description: null }],
      ['models/churn/version-1/meta.yaml', 'yaml', { name: 'churn', version: 1, source: 'models:/m-aaa', run_id: PARENT, current_stage: 'Archived', creation_timestamp: T + 300, status: 'READY' }],
      ['models/churn/version-2/meta.yaml', 'yaml', { name: 'churn', version: 2, source: `runs:/${PARENT}/model`, run_id: PARENT, current_stage: 'Production', creation_timestamp: T + 400, status: 'READY' }],
      ['models/churn/version-2/tags/owner', 'text', 'alice'],
      ['models/churn/aliases/champion', 'text', '2'],
    ]);
    const report = await importPaths(tmp.root, [mlruns]);
    assert.deepEqual([report.errors, report.warnings], [[], []]);
    ingestAll(store);
    syncModels(store);
    assert.deepEqual(listModels(store).map((m) => [m.name, m.versions, m.aliases]), [
      ['churn', 2, { champion: 2 }],
      ['scratch-model', 1, {}],
    ]);
    const [v1, v2] = listVersions(store, 'churn').sort((a, b) => a.version - b.version);
    const trainer = listRuns(store, {})[0].id;
    assert.deepEqual([v1.runId, v2.runId], [trainer, trainer]);
    assert.deepEqual(v1.record.files?.map((f) => f.path), ['MLmodel', 'model.pkl']);
    assert.ok(v1.record.files?.some((f) => f.hash === hashBytes('V1 WEIGHTS')));
    assert.ok(v2.record.files?.some((f) => f.hash === hashBytes('V2 WEIGHTS')));
    assert.deepEqual(v2.record.metadata?.tags, { owner: 'alice', 'mlflow.stage': 'Production' });
    assert.deepEqual((v1.record.metadata?.tags as Record<string, string>)['mlflow.stage'], 'Archived');
    // Again: nothing registered twice.
    await importPaths(tmp.root, [mlruns]);
    syncModels(store);
    assert.deepEqual(listModels(store).map((m) => m.versions), [2, 1]);
  }));

test('mlflow.parentRunId becomes the parent link of the nested run, in both stores', () =>
  withWorkspace(async (tmp, store) => {
    const child = run(CHILD, 'fold-1', { start: T + 50, tags: { 'mlflow.parentRunId': PARENT } });
    const mlruns = join(tmp.workspace, 'mlruns');
    // The child first in folder order: its parent is imported after it, under the id the link names.
    writeMlflowFiles(mlruns, mlrunsFiles(mlruns, [run('ffff' + PARENT.slice(4), 'sweep'), { ...child, uuid: '0000' + CHILD.slice(4), tags: { 'mlflow.parentRunId': 'ffff' + PARENT.slice(4) } }]));
    writeMlflowDb(join(tmp.workspace, 'db', 'mlflow.db'), [run(PARENT, 'sweep'), child]);
    const report = await importPaths(tmp.root, [mlruns, join(tmp.workspace, 'db', 'mlflow.db')]);
    assert.deepEqual([report.errors, report.warnings], [[], []]);
    ingestAll(store);
    const byName = (n: string): string[] => listRuns(store, {}).filter((r) => r.name === n).map((r) => r.id).sort();
    const parents = byName('sweep');
    const children = byName('fold-1');
    assert.equal(children.length, 2);
    assert.deepEqual(children.map((c) => getRun(store, c)?.parent).sort(), parents);
    assert.deepEqual([...parentLinks(store).keys()].sort(), children);
    assert.equal(getRun(store, parents[0])?.parent, null);
  }));

test('artifacts recorded under another machine\'s paths are read from next to mlflow.db; an artifact_uri elsewhere on this machine is not followed', () =>
  withWorkspace(async (tmp, store) => {
    const project = join(tmp.workspace, 'project');
    const secret = mkdtempSync(join(tmpdir(), 'trackside-secret-'));
    try {
      writeFileSync(join(secret, 'id_rsa'), 'PRIVATE KEY');
      const win = run('c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2', 'from-windows', { artifactUri: 'file:///C:/Users/alice/project/mlruns/1/c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2/artifacts' });
      const mac = run('d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3', 'from-mac', { artifactUri: '/Users/alice/project/mlruns/1/d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3/artifacts' });
      const hostile = run('e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4', 'hostile', { artifactUri: pathToFileURL(secret).href });
      writeMlflowDb(join(project, 'mlflow.db'), [win, mac, hostile]);
      for (const r of [win, mac]) {
        const dir = join(project, 'mlruns', '1', r.uuid, 'artifacts');
        mkdirSync(join(dir, 'plots'), { recursive: true });
        writeFileSync(join(dir, 'plots', 'roc.txt'), `roc of ${r.name}`);
      }
      const report = await importPaths(tmp.root, [project]);
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.warnings.map((w) => [w.path, w.message]), [
        [`${join(project, 'mlflow.db')}#${hostile.uuid}`, `artifact_uri ${hostile.artifactUri} is outside ${project}: not read (artifacts are only read from inside the folder being imported)`],
      ]);
      ingestAll(store);
      const artifacts = Object.fromEntries(listRuns(store, {}).map((r) => [r.name, getRun(store, r.id)?.artifacts.map((a) => [a.name, a.files.map((f) => f.path)])]));
      assert.deepEqual(artifacts, { 'from-windows': [['plots', ['roc.txt']]], 'from-mac': [['plots', ['roc.txt']]], hostile: [] });
      assert.ok(!existsSync(blobPath(tmp.root, hashBytes('PRIVATE KEY'))));
    } finally {
      rmSync(secret, { recursive: true, force: true });
    }
  }));

test('a file store run whose meta.yaml points artifact_uri at a folder elsewhere: that folder is not read, and the report says so', () =>
  withWorkspace(async (tmp, store) => {
    const secret = mkdtempSync(join(tmpdir(), 'trackside-secret-'));
    try {
      writeFileSync(join(secret, 'id_rsa'), 'PRIVATE KEY');
      const mlruns = join(tmp.workspace, 'mlruns');
      const hostile = run('f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5', 'hostile', { artifactUri: pathToFileURL(secret).href, artifacts: { 'notes.txt': 'mine' } });
      writeMlflowFiles(mlruns, mlrunsFiles(mlruns, [hostile]));
      const report = await importPaths(tmp.root, [mlruns]);
      assert.deepEqual(report.warnings.map((w) => w.message), [
        `artifact_uri ${hostile.artifactUri} is outside ${mlruns}: not read (artifacts are only read from inside the folder being imported); the run's own 1/${hostile.uuid}/artifacts was read instead`,
      ]);
      ingestAll(store);
      assert.deepEqual(getRun(store, listRuns(store, {})[0].id)?.artifacts.map((a) => a.name), ['notes.txt']);
      assert.ok(!existsSync(blobPath(tmp.root, hashBytes('PRIVATE KEY'))));
    } finally {
      rmSync(secret, { recursive: true, force: true });
    }
  }));
