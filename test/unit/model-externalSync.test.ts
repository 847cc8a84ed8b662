// The CLI (a gate, an alias move) reads registry files into the same index the editor's
// worker uses; the worker's next look then finds nothing new to read, yet must still tell
// the Models view that the models changed.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { appendJsonLine } from '../../src/core/appendLine';
import { ingestAll } from '../../src/core/ingest';
import { syncModels } from '../../src/core/models/modelSync';
import { gateLog } from '../../src/core/models/registryPaths';
import { writeAlias } from '../../src/core/models/registryWrite';
import { processEngine } from '../../src/core/sqlite/loadEngine';
import { openIndex } from '../../src/core/store';
import { IndexState } from '../../src/worker/indexState';
import { trainingRun } from './modelFixtures';
import { tempRoot } from './runFolders';

test('the worker tells of registry changes another process read into the index first', () => {
  const tmp = tempRoot();
  const store = openIndex(tmp.root);
  try {
    trainingRun(tmp.root, '20240101-000000-aaaaa1', 'churn', Date.UTC(2024, 0, 1));
    ingestAll(store);
    let told = 0;
    const state = new IndexState(tmp.root, processEngine().driver, { ingested: () => undefined, reading: () => undefined, models: () => told++, log: () => undefined }, store);
    state.syncModels(store, true);
    assert.equal(told, 1, 'the first look reads v1');
    state.syncModels(store, true);
    assert.equal(told, 1, 'nothing new');

    const cli = () => {
      const other = openIndex(tmp.root);
      try {
        syncModels(other);
      } finally {
        other.close();
      }
    };
    writeAlias(tmp.root, 'churn', 'production', 1);
    cli();
    state.syncModels(store, true);
    assert.equal(told, 2, 'an alias the CLI read in');

    appendJsonLine(gateLog(tmp.root, 'churn'), { t: Date.now(), type: 'gate', mode: 'compare', verdict: 'fail', version: 1, summary: 'auc -0.1', reasons: ['auc fell'] });
    cli();
    state.syncModels(store, true);
    assert.equal(told, 3, 'a gate verdict the CLI read in');
    state.syncModels(store, true);
    assert.equal(told, 3);
  } finally {
    store.close();
    tmp.cleanup();
  }
});
