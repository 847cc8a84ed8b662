// Model versions and aliases: numbered in the registry (unique under concurrent writers),
// read into the index by syncModels, and the same after a rebuild.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { evaluatedBy, evaluations, listModels, listVersions, resolveModelRef, UnknownModelError } from '../../src/core/models/modelQueries';
import { parseModelRef } from '../../src/core/models/modelNames';
import { syncModels } from '../../src/core/models/modelSync';
import { aliasLog, versionsDir } from '../../src/core/models/registryPaths';
import { claimVersion, writeAlias } from '../../src/core/models/registryWrite';
import { rebuild } from '../../src/core/rebuild';
import { openIndex, type Store } from '../../src/core/store';
import { evaluationRun, trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

const PYTHONPATH = resolve(__dirname, '../../src/python');
const T0 = Date.UTC(2024, 0, 1);

function fresh(root: string): Store {
  const store = openIndex(root);
  ingestAll(store);
  syncModels(store);
  return store;
}

function snapshot(store: Store): unknown {
  return {
    versions: store.stmt('SELECT name, version, run_id, hash, size, t, record FROM model_versions ORDER BY name, version').all(),
    aliases: store.stmt('SELECT name, alias, version, t FROM model_aliases ORDER BY name, alias').all(),
    refs: store.stmt('SELECT r.id, m.name, m.version, m.ref FROM model_refs m JOIN runs r ON r.rid = m.rid ORDER BY r.id').all(),
    runModels: store.stmt('SELECT r.id, m.name, m.version, m.hash FROM run_models m JOIN runs r ON r.rid = m.rid ORDER BY r.id').all(),
  };
}

test('references: alias, version, latest; bad names refused', () => {
  assert.deepEqual(parseModelRef('churn@production'), { name: 'churn', alias: 'production' });
  assert.deepEqual(parseModelRef('churn@3'), { name: 'churn', version: 3 });
  assert.deepEqual(parseModelRef('churn'), { name: 'churn', alias: 'latest' });
  assert.deepEqual(parseModelRef('my.model-2@v2'), { name: 'my.model-2', alias: 'v2' });
  for (const bad of ['../x@1', '@prod', 'a/b', 'churn@0', 'churn@', '.x']) assert.throws(() => parseModelRef(bad), bad);
});

test('versions count up per model, are read into the index and survive a rebuild unchanged', () => {
  const tmp = tempRoot();
  try {
    const a = trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    const b = trainingRun(tmp.root, '20240102-000000-bbbbbb', 'churn', T0 + 86_400_000);
    const c = trainingRun(tmp.root, '20240103-000000-cccccc', 'fraud', T0 + 2 * 86_400_000);
    assert.deepEqual([a.version, b.version, c.version], [1, 2, 1]);
    writeAlias(tmp.root, 'churn', 'production', 1, T0 + 10);
    writeAlias(tmp.root, 'churn', 'staging', 2, T0 + 11);
    evaluationRun(tmp.root, '20240104-000000-dddddd', 'churn', 1, T0 + 3 * 86_400_000, { auc: 0.9 }, { ref: 'churn@production' });

    const store = fresh(tmp.root);
    const before = snapshot(store);
    assert.deepEqual(listModels(store).map((m) => [m.name, m.versions, m.latest, m.aliases]), [
      ['churn', 2, 2, { production: 1, staging: 2 }],
      ['fraud', 1, 1, {}],
    ]);
    const versions = listVersions(store, 'churn');
    assert.deepEqual(versions.map((v) => [v.version, v.aliases, v.runId, v.evaluations]), [
      [2, ['latest', 'staging'], b.runId, 0],
      [1, ['production'], a.runId, 1],
    ]);
    assert.equal(versions[1].runName, 'train-aaa');
    assert.deepEqual(evaluatedBy(store, '20240104-000000-dddddd'), { name: 'churn', version: 1 });
    assert.equal(evaluations(store, 'churn', 1)[0].ref, 'churn@production');
    store.close();

    rebuild(tmp.root);
    const again = fresh(tmp.root);
    assert.deepEqual(snapshot(again), before);
    again.close();
  } finally {
    tmp.cleanup();
  }
});

test('a run folder copied in later with an older time does not renumber versions', () => {
  const tmp = tempRoot();
  try {
    trainingRun(tmp.root, '20240105-000000-aaaaaa', 'churn', T0 + 5 * 86_400_000);
    const store = fresh(tmp.root);
    assert.equal(resolveModelRef(store, 'churn@1').runId, '20240105-000000-aaaaaa');
    const late = trainingRun(tmp.root, '20230101-000000-bbbbbb', 'churn', T0 - 365 * 86_400_000);
    ingestAll(store);
    syncModels(store);
    assert.equal(late.version, 2);
    assert.equal(resolveModelRef(store, 'churn@1').runId, '20240105-000000-aaaaaa');
    assert.equal(resolveModelRef(store, 'churn').version, 2);
    store.close();
  } finally {
    tmp.cleanup();
  }
});

test('concurrent writers (Python processes and this one) never get the same version', async () => {
  const tmp = tempRoot();
  try {
    writeFileSync(join(tmp.workspace, 'model.pkl'), 'w');
    const code = "import trackside\nrun = trackside.init()\nprint(run.log_model('model.pkl', 'race'))\nrun.finish()\n";
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH, TRACKSIDE_HOME: tmp.root };
    delete env.TRACKSIDE_RUN_DIR;
    const outputs = Array.from({ length: 6 }, () => {
      const p = spawn('python3', ['-c', code], { cwd: tmp.workspace, env });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<number>((done, fail) => p.on('exit', (c) => (c === 0 ? done(Number(out)) : fail(new Error(`python exited ${c}`)))));
    });
    const mine: number[] = [];
    for (let i = 0; i < 6; i++) mine.push(claimVersion(tmp.root, { t: T0, type: 'model', name: 'race', hash: 'a'.repeat(64), size: 1, code: [] }));
    const theirs = await Promise.all(outputs);
    assert.deepEqual([...mine, ...theirs].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.deepEqual(readdirSync(versionsDir(tmp.root, 'race')).filter((f) => f.startsWith('.tmp')), []);
    const store = fresh(tmp.root);
    assert.equal(listVersions(store, 'race').length, 12);
    store.close();
  } finally {
    tmp.cleanup();
  }
});

test('aliases fold in log order: moved, removed, torn lines skipped; read incrementally', () => {
  const tmp = tempRoot();
  try {
    for (let i = 0; i < 3; i++) trainingRun(tmp.root, `2024010${i + 1}-000000-aaaaaa`, 'churn', T0 + i);
    const store = fresh(tmp.root);
    writeAlias(tmp.root, 'churn', 'production', 1);
    syncModels(store);
    assert.equal(resolveModelRef(store, 'churn@production').version, 1);
    writeAlias(tmp.root, 'churn', 'production', 3);
    writeAlias(tmp.root, 'churn', 'staging', 2);
    appendFileSync(aliasLog(tmp.root, 'churn'), '{"t":1,"type":"alias","alias":"stag');
    const report = syncModels(store);
    assert.deepEqual(report.changed, ['churn']);
    assert.equal(resolveModelRef(store, 'churn@production').version, 3);
    writeAlias(tmp.root, 'churn', 'staging', null); // the torn line gets its newline first
    syncModels(store);
    assert.deepEqual(listModels(store)[0].aliases, { production: 3 });
    assert.throws(() => resolveModelRef(store, 'churn@staging'), UnknownModelError);
    assert.throws(() => resolveModelRef(store, 'churn@7'), UnknownModelError);
    assert.throws(() => resolveModelRef(store, 'nope'), UnknownModelError);
    assert.deepEqual(syncModels(store).changed, [], 'nothing new, nothing read');
    assert.equal(store.stmt("SELECT bad FROM model_logs WHERE name = 'churn'").pluck().get(), 1);
    assert.throws(() => writeAlias(tmp.root, 'churn', 'production', 9), /no version 9/);
    assert.throws(() => writeAlias(tmp.root, 'churn', 'latest', 1), /latest/);
    assert.throws(() => writeAlias(tmp.root, 'churn', '42', 1), /invalid alias/);
    store.close();
  } finally {
    tmp.cleanup();
  }
});

test('a bad version file is reported and read once it is fixed; a removed model leaves the index', () => {
  const tmp = tempRoot();
  try {
    trainingRun(tmp.root, '20240101-000000-aaaaaa', 'churn', T0);
    const store = fresh(tmp.root);
    const bad = join(versionsDir(tmp.root, 'churn'), '2.json');
    writeFileSync(bad, '{"t": 1, "type": "model", "name": "other"');
    assert.equal(syncModels(store).bad.length, 1);
    assert.equal(listVersions(store, 'churn').length, 1);
    writeFileSync(bad, JSON.stringify({ t: 2, type: 'model', name: 'churn', version: 2, hash: 'b'.repeat(64), size: 1, code: [] }));
    syncModels(store);
    assert.equal(listVersions(store, 'churn').length, 2);
    mkdirSync(join(tmp.root, 'models', 'not a name'), { recursive: true });
    rmSync(join(tmp.root, 'models', 'churn'), { recursive: true });
    assert.deepEqual(syncModels(store).changed, ['churn']);
    assert.deepEqual(listModels(store), []);
    store.close();
  } finally {
    tmp.cleanup();
  }
});
