// The Runs Table's filtered rows, filter completions and multi-column sort over columnar data,
// and live row patches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TableData } from '../../src/protocol/tableData';
import { buildColumns } from '../../webview/table/columns';
import { completionsFor } from '../../webview/table/filterBox';
import { SortRanks, filterRows, sortRows } from '../../webview/table/rowOrder';
import { mergeTable } from '../../webview/table/tableMerge';

function table(): TableData {
  return {
    ids: ['a', 'b', 'c', 'd'],
    names: ['run-10', 'run-2', 'Run-1', 'other'],
    status: ['finished', 'failed', 'finished', 'running'],
    experiment: ['x', 'x', null, 'y'],
    sweeps: ['lr', null, 'lr', null],
    started: Float64Array.of(4, 3, 2, 1),
    duration: Float64Array.of(10, NaN, 30, 20),
    tags: [['base'], ['base', 'gpu'], [], ['GPU']],
    notes: [null, 'tried adam', null, null],
    params: [
      { key: 'lr', kind: 'number', values: Float64Array.of(0.1, 0.01, 0.1, NaN) },
      { key: 'opt', kind: 'text', values: ['sgd', 'adam', 'adam', null] },
    ],
    metrics: [{ key: 'val/loss', has: Uint8Array.of(1, 1, 1, 0), last: Float64Array.of(0.5, 0.2, NaN, NaN), min: Float64Array.of(0.4, 0.1, NaN, NaN), max: Float64Array.of(1, 1, NaN, NaN) }],
  };
}

const sorted = (d: TableData, sort: { column: string; desc: boolean }[]) => {
  const cols = new Map(buildColumns(d).map((c) => [c.id, c]));
  return sortRows([0, 1, 2, 3], sort, cols, new SortRanks(d.ids.length)).map((i) => d.ids[i]);
};

test('filter: the rows of the runs the query selected, in data order; no query, every row', () => {
  const d = table();
  assert.deepEqual(filterRows(d, new Set(['d', 'b', 'gone'])).map((i) => d.ids[i]), ['b', 'd']);
  assert.deepEqual(filterRows(d, new Set()), []);
  assert.deepEqual(filterRows(d, undefined).length, 4);
});

test('filter completions: fields, params and metric keys of the loaded runs, a metric\'s summaries, status values', () => {
  const d = table();
  assert.deepEqual(completionsFor('par', '', d), ['params.', 'params.lr', 'params.opt']);
  assert.deepEqual(completionsFor('params.', '', d), ['params.lr', 'params.opt']);
  assert.deepEqual(completionsFor('metrics.v', '', d), ['metrics.val/loss']);
  assert.deepEqual(completionsFor('metrics.val/loss.m', '', d), ['metrics.val/loss.min', 'metrics.val/loss.max']);
  assert.deepEqual(completionsFor('st', '', d), ['status', 'started']);
  assert.deepEqual(completionsFor('f', 'x and status:', d), ['finished', 'failed']);
  assert.deepEqual(completionsFor('', 'lr > ', d), []);
  assert.deepEqual(completionsFor('', 'sweep = ', d), ['"lr"']);
  assert.deepEqual(completionsFor('l', 'x and sweep = "', d), ['lr"']);
  assert.deepEqual(completionsFor('sw', '', d), ['sweep']);
  d.params.push({ key: 'batch size', kind: 'number', values: Float64Array.of(1, 2, 3, 4) });
  assert.deepEqual(completionsFor('params.b', '', d), ['params."batch size"']);
});

test('names sort naturally; numbers numerically; missing values last in both directions', () => {
  const d = table();
  assert.deepEqual(sorted(d, [{ column: 'name', desc: false }]), ['d', 'c', 'b', 'a']);
  assert.deepEqual(sorted(d, [{ column: 'p:lr', desc: false }]), ['b', 'a', 'c', 'd']);
  assert.deepEqual(sorted(d, [{ column: 'duration', desc: true }]), ['c', 'd', 'a', 'b']);
  assert.deepEqual(sorted(d, [{ column: 'm:last:val/loss', desc: false }]), ['b', 'a', 'c', 'd']);
});

test('multi-column sort: later keys break ties of earlier ones', () => {
  const d = table();
  assert.deepEqual(sorted(d, [{ column: 'p:lr', desc: true }, { column: 'p:opt', desc: false }]), ['c', 'a', 'b', 'd']);
  assert.deepEqual(sorted(d, [{ column: 'status', desc: false }, { column: 'started', desc: false }]), ['b', 'c', 'a', 'd']);
});

test('a patch replaces changed rows, adds new ones and new columns, drops removed ones', () => {
  const d = table();
  const patch: TableData = {
    ids: ['b', 'e'],
    names: ['run-2b', 'new'],
    status: ['finished', 'running'],
    experiment: ['x', 'x'],
    sweeps: [null, 'lr'],
    started: Float64Array.of(3, 5),
    duration: Float64Array.of(7, 1),
    tags: [['base'], []],
    notes: [null, null],
    params: [{ key: 'lr', kind: 'text', values: ['auto', '0.3'] }, { key: 'seed', kind: 'number', values: Float64Array.of(1, 2) }],
    metrics: [{ key: 'acc', has: Uint8Array.of(0, 1), last: Float64Array.of(NaN, 0.9), min: Float64Array.of(NaN, 0.1), max: Float64Array.of(NaN, 0.9) }],
  };
  const m = mergeTable(d, patch, ['d']);
  assert.deepEqual(m.ids, ['a', 'c', 'b', 'e']);
  assert.deepEqual(m.names, ['run-10', 'Run-1', 'run-2b', 'new']);
  assert.deepEqual(m.sweeps, ['lr', 'lr', null, 'lr']);
  const lr = m.params.find((p) => p.key === 'lr')!;
  assert.equal(lr.kind, 'text');
  assert.deepEqual(lr.values, ['0.1', '0.1', 'auto', '0.3']);
  const seed = m.params.find((p) => p.key === 'seed')!;
  assert.equal(seed.kind, 'number');
  assert.deepEqual([...seed.values as Float64Array].map((v) => (Number.isNaN(v) ? null : v)), [null, null, 1, 2]);
  const acc = m.metrics.find((x) => x.key === 'acc')!;
  assert.deepEqual([...acc.has], [0, 0, 0, 1]);
  const loss = m.metrics.find((x) => x.key === 'val/loss')!;
  assert.deepEqual([...loss.has], [1, 1, 0, 0]);
});
