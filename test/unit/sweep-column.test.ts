// runs.sweep: the name of the sweep that started a run, from its run event, in the Runs
// Table's data and in queries; an index built before the column opens, gains it, and fills it
// from the sweep folders.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { indexPath } from '../../src/core/paths';
import { compileQuery } from '../../src/core/query/compile';
import { getRun, listRuns } from '../../src/core/runQueries';
import { MIGRATIONS, SCHEMA_VERSION, SWEEP_COLUMN_VERSION } from '../../src/core/schema';
import { processEngine } from '../../src/core/sqlite/loadEngine';
import { openIndex, type Store } from '../../src/core/store';
import { createSweep, type SweepState } from '../../src/core/sweeps/sweepState';
import type { SweepSpec } from '../../src/core/sweeps/sweepSpec';
import { tableRows } from '../../src/views/tableRows';
import { append, makeRun, tempRoot } from './runFolders';

const SPEC: SweepSpec = { name: 'lr-grid', program: 'train.py', method: 'grid', parameters: { lr: { kind: 'values', values: [0.1, 0.01] } }, runCap: 2, concurrency: 1, seed: 0, args: [] };

function sweepFolder(root: string, id: string, name: string, runIds: string[], kind?: SweepState['kind']): void {
  createSweep(root, {
    id,
    name,
    ...(kind ? { kind } : {}),
    file: '/w/lr.sweep.yaml',
    workspaceDir: '/w',
    spec: { ...SPEC, name },
    status: 'finished',
    trials: runIds.map((runId, i) => ({ key: i + 1, params: { lr: 0.1 }, status: 'finished', runId, queued: 0 })),
  });
}

const ids = (store: Store, query: string): string[] =>
  listRuns(store, { where: compileQuery(query), limit: 100 })
    .map((r) => r.id)
    .sort();

test("a run's sweep comes from its run event: the Runs Table's column, run details and queries", () => {
  const tmp = tempRoot();
  const store = openIndex(tmp.root);
  try {
    append(makeRun(tmp.root, '20240101-000000-aaaaa1'), { t: 1, type: 'run', name: 'lr-grid-1', sweep: { id: '20240101-000000-5eeb01', name: 'lr-grid', trial: 1 } });
    append(makeRun(tmp.root, '20240101-000000-aaaaa2'), { t: 2, type: 'run', name: 'plain' });
    // A sweep that is not an object with a string name is left out, the rest of the event kept.
    append(makeRun(tmp.root, '20240101-000000-aaaaa3'), { t: 3, type: 'run', name: 'odd', sweep: 'lr-grid' });
    ingestAll(store);
    const d = tableRows(store);
    assert.deepEqual(
      d.ids.map((id, i) => [id, d.sweeps[i]]),
      [
        ['20240101-000000-aaaaa3', null],
        ['20240101-000000-aaaaa2', null],
        ['20240101-000000-aaaaa1', 'lr-grid'],
      ],
    );
    assert.equal(getRun(store, '20240101-000000-aaaaa1')?.sweep, 'lr-grid');
    assert.equal(getRun(store, '20240101-000000-aaaaa3')?.name, 'odd');
    assert.deepEqual(ids(store, 'sweep = "lr-grid"'), ['20240101-000000-aaaaa1']);
    assert.deepEqual(ids(store, 'not sweep = "lr-grid"'), ['20240101-000000-aaaaa2', '20240101-000000-aaaaa3']);
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('an index built before the sweep column opens, gains it, and takes each run’s sweep from the sweep folders', () => {
  const tmp = tempRoot();
  try {
    const trial = '20240101-000000-bbbbb1';
    const queued = '20240101-000000-bbbbb2';
    const plain = '20240101-000000-bbbbb3';
    for (const id of [trial, queued, plain]) append(makeRun(tmp.root, id), { t: 1, type: 'run', name: id });
    // The index as the version before the column left it: every run read to the end of its log.
    const old = processEngine().driver.open(indexPath(tmp.root));
    for (const m of MIGRATIONS.slice(0, SWEEP_COLUMN_VERSION - 1)) old.exec(m);
    old.exec(`PRAGMA user_version = ${SWEEP_COLUMN_VERSION - 1}`);
    [trial, queued, plain].forEach((id, i) => {
      old.prepare("INSERT INTO runs (rid, id, name, status) VALUES (?, ?, ?, 'finished')").run(i + 1, id, id);
      old.prepare('INSERT INTO ingest_offsets (rid, offset, lines) VALUES (?, ?, 1)').run(i + 1, readFileSync(`${tmp.root}/runs/${id}/events.jsonl`).length);
    });
    old.close();
    sweepFolder(tmp.root, '20240101-000000-5eeb01', 'lr-grid', [trial]);
    sweepFolder(tmp.root, '20240101-000000-9ee9e1', 'Run queue', [queued], 'queue');

    const store = openIndex(tmp.root);
    try {
      assert.equal(store.pragma('user_version'), SCHEMA_VERSION);
      assert.equal(ingestAll(store).runsChanged.length, 0); // nothing read again
      assert.deepEqual(ids(store, 'sweep = "lr-grid"'), [trial]);
      assert.deepEqual(ids(store, 'sweep = "Run queue"'), []); // the queue's runs belong to no sweep
      assert.deepEqual(tableRows(store).sweeps.filter((s) => s !== null), ['lr-grid']);
    } finally {
      store.close();
    }
    // Opened again: already at the current version, nothing changes.
    const again = openIndex(tmp.root);
    try {
      assert.deepEqual(ids(again, 'sweep = "lr-grid"'), [trial]);
    } finally {
      again.close();
    }
  } finally {
    tmp.cleanup();
  }
});
