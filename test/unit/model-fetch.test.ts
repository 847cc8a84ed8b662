// Fetch for deployment: weights and inference code out of the blob store with a manifest,
// hashes checked; the `trackside model` CLI; registering a run's artifact as a version.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { blobPath } from '../../src/core/blobs';
import { ingestAll } from '../../src/core/ingest';
import { MANIFEST, type FetchManifest, fetchModel, verifyFetched } from '../../src/core/models/fetchModel';
import { resolveModelRef } from '../../src/core/models/modelQueries';
import { syncModels } from '../../src/core/models/modelSync';
import { registerCandidates, registerVersion } from '../../src/core/models/registerVersion';
import { writeAlias } from '../../src/core/models/registryWrite';
import { getRun } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { blob, evaluationRun, trainingRun } from './modelFixtures';
import { append, makeRun, tempRoot } from './runFolders';

const REPO = resolve(__dirname, '../..');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const T0 = Date.UTC(2024, 0, 1);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function cli(cwd: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.TRACKSIDE_HOME;
  return spawnSync(process.execPath, ['--import', TSX, join(REPO, 'src/cli.ts'), 'model', ...args], { cwd, env, encoding: 'utf8' });
}

test('fetch writes weights, code and a manifest whose hashes match the files', () => {
  const tmp = tempRoot();
  try {
    const t = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    writeAlias(tmp.root, 'churn', 'production', t.version);
    const store = openIndex(tmp.root);
    ingestAll(store);
    syncModels(store);
    const out = join(tmp.workspace, 'deploy');
    const m = fetchModel(tmp.root, resolveModelRef(store, 'churn@production'), 'churn@production', out);
    store.close();
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as FetchManifest;
    assert.deepEqual(manifest, m);
    assert.deepEqual([manifest.model, manifest.version, manifest.ref, manifest.run], ['churn', 1, 'churn@production', t.runId]);
    assert.deepEqual(manifest.aliases, ['latest', 'production']);
    assert.deepEqual(manifest.files.map((f) => [f.path, f.role]), [['weights/model.pkl', 'weights'], ['code/serve/predict.py', 'code']]);
    for (const f of manifest.files) {
      const data = readFileSync(join(out, f.path));
      assert.deepEqual([sha(data), data.length], [f.hash, f.size]);
    }
    assert.equal(readFileSync(join(out, 'weights/model.pkl'), 'utf8'), 'weights of 20240101-000000-aaaaaa');
    assert.deepEqual(verifyFetched(out), []);
    writeFileSync(join(out, 'code/serve/predict.py'), 'changed');
    assert.match(verifyFetched(out)[0], /code\/serve\/predict.py/);
  } finally {
    tmp.cleanup();
  }
});

test('a damaged blob stops the fetch; unsafe logged paths are refused', () => {
  const tmp = tempRoot();
  try {
    const t = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    const store = openIndex(tmp.root);
    ingestAll(store);
    syncModels(store);
    const file = blobPath(tmp.root, t.weights.hash);
    chmodSync(file, 0o644);
    writeFileSync(file, 'tampered');
    assert.throws(() => fetchModel(tmp.root, resolveModelRef(store, 'churn@1'), 'churn@1', join(tmp.workspace, 'out')), /damaged/);
    store.close();
  } finally {
    tmp.cleanup();
  }
});

test('trackside model list, show, alias and fetch from the command line', () => {
  const tmp = tempRoot();
  try {
    trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    trainingRun(tmp.root, '20240102-000000-bbbbbb', 'churn', T0 + 1);
    evaluationRun(tmp.root, '20240103-000000-000001', 'churn', 1, T0 + 2, { auc: 0.9 });
    evaluationRun(tmp.root, '20240104-000000-000002', 'churn', 1, T0 + 3, { auc: 0.5 });
    let r = cli(tmp.workspace, 'alias', 'churn', 'production', '1');
    assert.equal(r.status, 0, r.stderr);
    r = cli(tmp.workspace, 'list');
    assert.match(r.stdout, /v2 \[latest\]/);
    assert.match(r.stdout, /v1 \[production\] run train-aaa, 2 evaluation/);
    r = cli(tmp.workspace, 'show', 'churn@production', '--json');
    const report = JSON.parse(r.stdout) as { version: number; degradations: { runId: string }[] };
    assert.deepEqual([report.version, report.degradations.map((d) => d.runId)], [1, ['20240104-000000-000002']]);
    assert.match(cli(tmp.workspace, 'show', 'churn@production').stdout, /DEGRADED/);
    r = cli(tmp.workspace, 'fetch', 'churn@production', '--to', 'out');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 file\(s\) verified/);
    assert.deepEqual(verifyFetched(join(tmp.workspace, 'out')), []);
    assert.equal((JSON.parse(readFileSync(join(tmp.workspace, 'out', MANIFEST), 'utf8')) as FetchManifest).version, 1);
    r = cli(tmp.workspace, 'fetch', 'churn@staging', '--to', 'out');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no alias "staging"/);
    assert.equal(cli(tmp.workspace, 'fetch', 'churn@1').status, 2);
    assert.equal(cli(tmp.workspace, 'frobnicate').status, 2);
    r = cli(tmp.workspace, 'alias', 'churn', 'production', '--remove');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(cli(tmp.workspace, 'show', 'churn@production').status, 1);
  } finally {
    tmp.cleanup();
  }
});

test('Register as Model Version: a run artifact becomes the next version, and the run log says so', () => {
  const tmp = tempRoot();
  try {
    trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    const id = '20240102-000000-bbbbbb';
    const w = blob(tmp.root, 'net.pt', 'new weights');
    const code = blob(tmp.root, 'infer.py', 'print(1)');
    const data = blob(tmp.root, 'd.csv', 'x');
    append(
      makeRun(tmp.root, id, T0 + 1),
      { t: T0 + 1, type: 'run', name: 'manual' },
      { t: T0 + 2, type: 'code', files: [code] },
      { t: T0 + 3, type: 'dataset', name: 'd', path: 'd.csv', hash: data.hash, size: data.size, files: [data] },
      { t: T0 + 4, type: 'artifact', name: 'net.pt', kind: 'model', hash: w.hash, size: w.size },
    );
    const store = openIndex(tmp.root);
    ingestAll(store);
    syncModels(store);
    assert.deepEqual(registerCandidates(store, id).map((c) => [c.kind, c.label]), [['artifact', 'net.pt']]);
    assert.deepEqual(registerCandidates(store, '20240101-000000-aaaaaa'), [], 'already registered');
    const v = registerVersion(store, { runId: id, hash: w.hash, name: 'churn', codePaths: ['infer.py'], metadata: { by: 'hand' } });
    assert.equal(v, 2);
    const info = resolveModelRef(store, 'churn@2');
    assert.deepEqual([info.runId, info.record.weights, info.record.code.map((c) => c.path), info.record.datasets], [id, 'net.pt', ['infer.py'], [{ name: 'd', hash: data.hash }]]);
    assert.equal(info.record.source, 'editor');
    const events = readFileSync(join(tmp.root, 'runs', id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; version?: number });
    assert.equal(events.at(-1)?.type, 'model');
    assert.equal(events.at(-1)?.version, 2);
    assert.ok(getRun(store, id));
    assert.deepEqual(registerCandidates(store, id), []);
    assert.throws(() => registerVersion(store, { runId: id, hash: w.hash, name: 'churn', codePaths: ['nope.py'] }), /not in the run's code/);
    store.close();
  } finally {
    tmp.cleanup();
  }
});
