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

test('every value at a repeated step is exported in logged order, also across page boundaries', () => {
  const tmp = tempRoot('trackside-csv-');
  const store = openIndex(tmp.root);
  try {
    // More values at one step than a page holds, then a few more steps.
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(metricsLine(T + i, 0, { loss: i }));
    for (let step = 1; step <= 3; step++) for (let i = 0; i < 3; i++) lines.push(metricsLine(T + 30_000 + step * 10 + i, step, { loss: step * 100 + i }));
    append(makeRun(tmp.root, A), lines.join(''));
    ingestAll(store);
    const chunks: string[] = [];
    assert.equal(writeMetricsCsv(store, A, (c) => chunks.push(c)), 20_009);
    const rows = chunks.join('').trim().split('\r\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(rows.slice(0, 20_000).map((r) => Number(r[2])), Array.from({ length: 20_000 }, (_, i) => i));
    assert.deepEqual(rows.slice(20_000).map((r) => `${r[1]}:${r[2]}`), ['1:100', '1:101', '1:102', '2:200', '2:201', '2:202', '3:300', '3:301', '3:302']);
  } finally {
    store.close();
    tmp.cleanup();
  }
});
