// One run's metrics as CSV, and the runs export narrowed by a query.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportMetricsCsv, writeMetricsCsv } from '../../src/core/export/metricsCsv';
import { exportRuns } from '../../src/core/exportRuns';
import { ingestAll } from '../../src/core/ingest';
import { compileQuery } from '../../src/core/query/compile';
import { openIndex } from '../../src/core/store';
import { append, makeRun, metricsLine, tempRoot } from './runFolders';

const A = '20250101-000000-aaaaaa';
const B = '20250102-000000-bbbbbb';
const T = Date.UTC(2025, 0, 1);

test('key,step,value,time,epoch: key by key in step order, NaN and infinities spelled out, sys/ only when asked', () => {
  const tmp = tempRoot('trackside-csv-');
  const store = openIndex(tmp.root);
  try {
    append(
      makeRun(tmp.root, A),
      { t: T, type: 'run', name: 'a' },
      metricsLine(T + 1500, 1, { loss: 0.5, 'val, "odd"': 2 }, 0),
      metricsLine(T + 500, 0, { loss: Number.NaN }),
      metricsLine(T + 2999.7, 2, { loss: -Infinity, acc: 1e-9 }, 1),
      { t: T + 3000, type: 'sys', values: { cpu: 10 } },
    );
    ingestAll(store);
    const chunks: string[] = [];
    const n = writeMetricsCsv(store, A, (c) => chunks.push(c));
    assert.equal(n, 5);
    assert.equal(
      chunks.join(''),
      [
        'key,step,value,time,epoch',
        'acc,2,1e-9,2025-01-01T00:00:02.999Z,1',
        'loss,0,NaN,2025-01-01T00:00:00.500Z,',
        'loss,1,0.5,2025-01-01T00:00:01.500Z,0',
        'loss,2,-Infinity,2025-01-01T00:00:02.999Z,1',
        '"val, ""odd""",1,2,2025-01-01T00:00:01.500Z,0',
        '',
      ].join('\r\n'),
    );
    const file = join(tmp.workspace, 'm.csv');
    assert.equal(exportMetricsCsv(store, A, file, { includeSys: true }), 6);
    assert.match(readFileSync(file, 'utf8'), /\r\nsys\/cpu,0,10,2025-01-01T00:00:03\.000Z,\r\n"val/);
    assert.equal(exportMetricsCsv(store, A, file, { keys: ['acc'] }), 1);
    assert.equal(exportMetricsCsv(store, 'nope', file), 0);
    assert.equal(readFileSync(file, 'utf8'), 'key,step,value,time,epoch\r\n');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('the runs export takes a query', () => {
  const tmp = tempRoot('trackside-csv-');
  const store = openIndex(tmp.root);
  try {
    append(makeRun(tmp.root, A), { t: T, type: 'run', name: 'a', params: { lr: 0.1 } });
    append(makeRun(tmp.root, B), { t: T + 1, type: 'run', name: 'b', params: { lr: 0.001 } });
    ingestAll(store);
    const csv = exportRuns(store, 'csv', { where: compileQuery('params.lr > 0.01') });
    assert.deepEqual(csv.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0]), [A]);
    const json = JSON.parse(exportRuns(store, 'json', { where: compileQuery('name ~ b') })) as { id: string }[];
    assert.deepEqual(json.map((r) => r.id), [B]);
  } finally {
    store.close();
    tmp.cleanup();
  }
});
