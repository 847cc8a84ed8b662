import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestAll, ingestRun } from '../../src/core/ingest';
import { openIndex, type Store } from '../../src/core/store';
import { compileQuery } from '../../src/core/query/compile';
import { countRuns, experiments, getRun, listRuns, resolveRun } from '../../src/core/runQueries';
import { latestValues, points, primaryMetric, summaries } from '../../src/core/metricQueries';
import { deleteRun, renameRun, restoreRun, setNote, tagRun } from '../../src/core/runEdits';
import { AmbiguousRunError, CorruptIndexError, UnknownRunError } from '../../src/core/errors';
import { LOD_LEVELS, bucketWidth } from '../../src/core/lod';
import { indexPath } from '../../src/core/paths';
import { processEngine } from '../../src/core/sqlite/loadEngine';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/core/schema';
import { append, makeRun, metricsLine, rng, tempRoot } from './runFolders';

const HASH = (c: string): string => c.repeat(64);

function withStore(fn: (store: Store, root: string) => void): void {
  const tmp = tempRoot();
  const store = openIndex(tmp.root);
  try {
    fn(store, tmp.root);
  } finally {
    store.close();
    tmp.cleanup();
  }
}

test('run events merge: later fields win, params merge, status and exit code kept', () => {
  withStore((store, root) => {
    const f = makeRun(root, '20240101-000000-aaaaaa');
    append(
      f,
      { t: 1000, type: 'run', name: 'first', experiment: 'exp', command: ['python', 'train.py'], source: 'editor', params: { lr: 0.1, opt: 'sgd' } },
      { t: 1100, type: 'run', name: 'second', pid: 42, host: 'box', git: { commit: 'abc', branch: 'main', dirty: true }, python: { version: '3.11' }, params: { lr: 0.01, layers: [64, 32] }, tags: ['a'] },
      { t: 1200, type: 'params', values: { batch: 32, flag: true, none: null } },
      { t: 1300, type: 'status', status: 'running', exit_code: null },
    );
    const report = ingestAll(store);
    assert.deepEqual(report.runsChanged, ['20240101-000000-aaaaaa']);
    assert.equal(report.events, 4);
    let run = getRun(store, '20240101-000000-aaaaaa');
    assert.ok(run);
    assert.equal(run.name, 'second');
    assert.equal(run.experiment, 'exp');
    assert.deepEqual(run.command, ['python', 'train.py']);
    assert.equal(run.source, 'editor');
    assert.equal(run.pid, 42);
    assert.deepEqual(run.git, { commit: 'abc', branch: 'main', dirty: true, diff: null });
    assert.deepEqual(run.python, { executable: null, version: '3.11' });
    assert.deepEqual(run.params, { batch: 32, flag: true, layers: [64, 32], lr: 0.01, none: null, opt: 'sgd' });
    assert.deepEqual(run.tags, ['a']);
    assert.equal(run.status, 'running');
    assert.equal(run.started, 1000);
    assert.equal(run.ended, null);

    // Ingesting again without new bytes changes nothing; a running run stays running.
    const again = ingestAll(store);
    assert.deepEqual(again.runsChanged, []);
    assert.equal(getRun(store, '20240101-000000-aaaaaa')?.status, 'running');

    append(f, { t: 5000, type: 'status', status: 'failed', exit_code: 3, error: 'Traceback: boom' });
    ingestRun(store, '20240101-000000-aaaaaa');
    run = getRun(store, '20240101-000000-aaaaaa');
    assert.equal(run?.status, 'failed');
    assert.equal(run?.exitCode, 3);
    assert.equal(run?.error, 'Traceback: boom');
    assert.equal(run?.ended, 5000);
    assert.equal(run?.duration, 4000);
  });
});

test('tags, note, rename, delete and restore: from the log and from edits appended to it', () => {
  withStore((store, root) => {
    const id = '20240101-000000-bbbbbb';
    const f = makeRun(root, id);
    append(f, { t: 1, type: 'run', name: 'n', tags: ['x', 'y'], note: 'from init' }, { t: 2, type: 'tags', add: ['z'], remove: ['x'] });
    ingestAll(store);
    assert.deepEqual(getRun(store, id)?.tags, ['y', 'z']);
    assert.equal(getRun(store, id)?.note, 'from init');

    renameRun(store, id, 'renamed');
    tagRun(store, id, ['best', 'keep']);
    tagRun(store, id, [], ['y']);
    setNote(store, id, 'a note\nwith two lines');
    const run = getRun(store, id);
    assert.equal(run?.name, 'renamed');
    assert.deepEqual(run?.tags, ['best', 'keep', 'z']);
    assert.equal(run?.note, 'a note\nwith two lines');

    deleteRun(store, id);
    assert.equal(getRun(store, id)?.deleted, true);
    assert.equal(listRuns(store).length, 0);
    assert.equal(listRuns(store, { includeDeleted: true }).length, 1);
    restoreRun(store, id);
    assert.equal(listRuns(store).length, 1);

    // Every edit is in the log, each as one line ending in "\n".
    const lines = readFileSync(f, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines.slice(2).map((l) => (JSON.parse(l) as { type: string }).type),
      ['rename', 'tags', 'tags', 'note', 'deleted', 'deleted'],
    );
    setNote(store, id, '');
    assert.equal(getRun(store, id)?.note, null);
    assert.throws(() => renameRun(store, 'nope', 'x'), UnknownRunError);
  });
});

test('an edit after a torn last line keeps its own line intact', () => {
  withStore((store, root) => {
    const id = '20240101-000000-cccccc';
    const f = makeRun(root, id);
    append(f, { t: 1, type: 'run', name: 'n' }, '{"t":2,"type":"no');
    ingestAll(store);
    renameRun(store, id, 'after');
    const run = getRun(store, id);
    assert.equal(run?.name, 'after');
    assert.equal(run?.log.badCount, 1);
    assert.deepEqual(run?.log.bad.map((b) => b.line), [2]);
  });
});

test('NaN and ±Infinity survive the round trip; summaries skip NaN in min/max', () => {
  withStore((store, root) => {
    const id = '20240101-000000-dddddd';
    const f = makeRun(root, id);
    append(f, metricsLine(1, 0, { v: 1.5 }), metricsLine(2, 1, { v: NaN }), metricsLine(3, 2, { v: Infinity }), metricsLine(4, 3, { v: -Infinity }), metricsLine(5, 4, { v: NaN }));
    ingestAll(store);
    const p = points(store, id, 'v');
    assert.deepEqual([...p.steps], [0, 1, 2, 3, 4]);
    assert.deepEqual([...p.values], [1.5, NaN, Infinity, -Infinity, NaN]);
    const [s] = summaries(store, id);
    assert.equal(s.key, 'v');
    assert.equal(s.count, 5);
    assert.equal(s.nans, 2);
    assert.equal(s.min, -Infinity);
    assert.equal(s.max, Infinity);
    assert.ok(Number.isNaN(s.last));
    assert.equal(s.lastStep, 4);
  });
});

/** One value logged, in logged order. */
interface Truth {
  step: number;
  value: number;
  t: number;
}

/** Every value in step order, values at one step in logged order (as the index orders points). */
function inStepOrder(series: Truth[]): Truth[] {
  return series.map((p, i) => ({ p, i })).sort((a, b) => a.p.step - b.p.step || a.i - b.i).map(({ p }) => p);
}

function expectSummary(series: Truth[]): { count: number; nans: number; min: number; max: number; firstStep: number; lastStep: number; first: number; last: number } {
  const ordered = inStepOrder(series);
  const values = ordered.map((p) => p.value);
  const finite = values.filter((v) => !Number.isNaN(v));
  return {
    count: ordered.length,
    nans: values.length - finite.length,
    min: finite.length ? Math.min(...finite) : NaN,
    max: finite.length ? Math.max(...finite) : NaN,
    firstStep: ordered[0].step,
    lastStep: ordered[ordered.length - 1].step,
    first: ordered[0].value,
    last: ordered[ordered.length - 1].value,
  };
}

test('every value is a point, also several at one step; summaries and level-of-detail rows equal values computed from them (out of order, repeats, NaN, several ingests)', () => {
  withStore((store, root) => {
    const id = '20240101-000000-eeeeee';
    const f = makeRun(root, id);
    const random = rng(7);
    const truth = new Map<string, Truth[]>();
    let t = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 400; i++) {
        const values: Record<string, number> = {};
        for (const key of ['a', 'b', 'c/d']) {
          if (random() < 0.3) continue;
          const r = random();
          values[key] = r < 0.05 ? NaN : r < 0.07 ? Infinity : r < 0.09 ? -Infinity : Math.round((random() - 0.5) * 1e6) / 1e3;
        }
        if (Object.keys(values).length === 0) continue;
        // Mostly increasing steps, often repeated (per-batch values at one epoch); sometimes
        // back in time (values at an earlier step and gaps filled).
        const r = random();
        const step = r < 0.1 ? Math.floor(random() * (round + 1) * 1500) : r < 0.3 ? round * 1500 + i * 3 : round * 1500 + i * 3 + Math.floor(random() * 3);
        t++;
        append(f, metricsLine(t, step, values));
        for (const [k, v] of Object.entries(values)) {
          if (!truth.has(k)) truth.set(k, []);
          truth.get(k)!.push({ step, value: v, t });
        }
      }
      // Small chunks: many transactions per ingest.
      ingestRun(store, id, { chunkBytes: 2048 });
      for (const s of summaries(store, id)) {
        const { first: _first, ...want } = expectSummary(truth.get(s.key)!);
        assert.deepEqual({ count: s.count, nans: s.nans, min: s.min, max: s.max, firstStep: s.firstStep, lastStep: s.lastStep, last: s.last }, want, `${s.key} round ${round}`);
      }
    }
    for (const [key, series] of truth) {
      // The points themselves: every value, in step order and logged order within a step.
      const p = points(store, id, key);
      const want = inStepOrder(series);
      assert.deepEqual([...p.steps], want.map((x) => x.step), `${key} steps`);
      assert.deepEqual([...p.values], want.map((x) => x.value), `${key} values`);
      assert.deepEqual([...p.t], want.map((x) => x.t), `${key} times`);
      // Each LOD level equals grouping the points by bucket.
      for (let level = 1; level <= LOD_LEVELS; level++) {
        const w = bucketWidth(level);
        const groups = new Map<number, Truth[]>();
        for (const x of series) {
          const b = Math.floor(x.step / w);
          if (!groups.has(b)) groups.set(b, []);
          groups.get(b)!.push(x);
        }
        const rows = store.engine
          .prepare(
            `SELECT bucket, count, nans, min, max, first_step, last_step, first, last FROM lod
             WHERE rid = (SELECT rid FROM runs WHERE id = ?) AND kid = (SELECT kid FROM metric_keys WHERE key = ?) AND level = ? ORDER BY bucket`,
          )
          .all(id, key, level) as { bucket: number; count: number; nans: number; min: number | null; max: number | null; first_step: number; last_step: number; first: number | null; last: number | null }[];
        assert.deepEqual(rows.map((r) => r.bucket), [...groups.keys()].sort((a, b) => a - b));
        for (const r of rows) {
          const want = expectSummary(groups.get(r.bucket)!);
          assert.deepEqual(
            { count: r.count, nans: r.nans, min: r.min ?? NaN, max: r.max ?? NaN, firstStep: r.first_step, lastStep: r.last_step, first: r.first ?? NaN, last: r.last ?? NaN },
            want,
            `${key} level ${level} bucket ${r.bucket}`,
          );
        }
      }
    }
  });
});

test('sys samples become sys/<key> points stepped per sample, across ingests', () => {
  withStore((store, root) => {
    const id = '20240101-000000-ffffff';
    const f = makeRun(root, id);
    append(f, { t: 1, type: 'sys', values: { cpu: 10, mem: 1 } }, { t: 2, type: 'sys', values: { cpu: 20 } });
    ingestAll(store);
    append(f, { t: 3, type: 'sys', values: { cpu: 30, gpu: 'NaN' } }, metricsLine(4, 0, { loss: 1 }));
    ingestAll(store);
    assert.deepEqual([...points(store, id, 'sys/cpu').steps], [0, 1, 2]);
    assert.deepEqual([...points(store, id, 'sys/cpu').values], [10, 20, 30]);
    assert.deepEqual([...points(store, id, 'sys/gpu').steps], [2]);
    assert.equal(primaryMetric(store, id)?.key, 'loss');
    assert.deepEqual(latestValues(store, [id]).get(id), { loss: 1 });
    assert.deepEqual(Object.keys(latestValues(store, [id], { includeSys: true }).get(id)!), ['loss', 'sys/cpu', 'sys/gpu', 'sys/mem']);
  });
});

test('primary metric: a preferred key the run has, else the first val/, test/, eval/ metric, else the first logged; never sys/', () => {
  withStore((store, root) => {
    const id = '20240101-000000-121212';
    const f = makeRun(root, id);
    append(f, metricsLine(1, 0, { loss: 2, acc: 0.1 }), metricsLine(2, 1, { loss: 1 }), { t: 3, type: 'sys', values: { cpu: 1 } });
    ingestAll(store);
    assert.equal(primaryMetric(store, id)?.key, 'loss');
    assert.equal(primaryMetric(store, id, 'acc')?.key, 'acc');
    assert.equal(primaryMetric(store, id, 'missing')?.key, 'loss');
    // A probe logged last does not take over; a val/ metric does, and eval/ comes after test/.
    append(f, metricsLine(4, 1, { loss: 0.5, acc: 0.9 }), metricsLine(5, 2, { 'eval/auc': 0.7, 'test/acc': 0.8 }), metricsLine(6, 3, { nan_probe: NaN }));
    ingestAll(store);
    assert.equal(primaryMetric(store, id)?.key, 'test/acc');
    append(f, metricsLine(7, 3, { 'val/loss': 0.4, 'val/acc': 0.85 }));
    ingestAll(store);
    assert.equal(primaryMetric(store, id)?.key, 'val/loss');
    assert.equal(primaryMetric(store, id)?.last, 0.4);
    assert.equal(primaryMetric(store, 'nope'), undefined);
  });
});

test('artifacts, images, datasets and code files are listed by getRun', () => {
  withStore((store, root) => {
    const id = '20240101-000000-343434';
    const f = makeRun(root, id);
    append(
      f,
      { t: 1, type: 'artifact', name: 'model', kind: 'model', hash: HASH('a'), size: 10, source: 'out/model.pkl' },
      { t: 2, type: 'artifact', name: 'ckpt', kind: 'file', hash: HASH('b'), size: 20, files: [{ path: 'w/2.bin', hash: HASH('c'), size: 12 }, { path: 'w/1.bin', hash: HASH('d'), size: 8 }] },
      { t: 3, type: 'image', key: 'roc', step: 0, hash: HASH('e'), format: 'png', size: 100, width: 64, height: 48 },
      { t: 4, type: 'image', key: 'roc', step: 0, hash: HASH('f'), format: 'svg', size: 50 },
      { t: 5, type: 'dataset', name: 'iris', path: '/data/iris', hash: HASH('1'), size: 30, files: [{ path: 'iris.csv', hash: HASH('2'), size: 30 }], columns: { a: 1 } },
      { t: 6, type: 'code', files: [{ path: 'train.py', hash: HASH('3'), size: 5 }], root: '/ws' },
    );
    ingestAll(store);
    const run = getRun(store, id)!;
    assert.deepEqual(run.artifacts.map((a) => [a.name, a.kind, a.hash, a.size, a.files.map((x) => x.path)]), [
      ['model', 'model', HASH('a'), 10, []],
      ['ckpt', 'file', HASH('b'), 20, ['w/1.bin', 'w/2.bin']],
    ]);
    assert.deepEqual(run.images, [{ key: 'roc', step: 0, hash: HASH('f'), format: 'svg', size: 50, width: null, height: null, t: 4 }]);
    assert.equal(run.datasets[0].hash, HASH('1'));
    assert.deepEqual(run.datasets[0].columns, { a: 1 });
    assert.deepEqual(run.datasets[0].files, [{ path: 'iris.csv', hash: HASH('2'), size: 30 }]);
    assert.deepEqual(run.code, [{ path: 'train.py', hash: HASH('3'), size: 5, root: '/ws' }]);
  });
});

test('listing: paging, order, filters, counts, experiments and run references', () => {
  withStore((store, root) => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = `20240101-0000${String(i).padStart(2, '0')}-ab${String(i).padStart(4, '0')}`;
      ids.push(id);
      const f = makeRun(root, id);
      append(
        f,
        { t: 1000 + i, type: 'run', name: i === 3 ? 'dup' : i === 4 ? 'dup' : `run ${i}`, experiment: i % 3 === 0 ? undefined : `exp${i % 3}`, tags: i % 5 === 0 ? ['five'] : [] },
        { t: 2000 + i, type: 'status', status: i % 4 === 0 ? 'failed' : 'finished', exit_code: i % 4 === 0 ? 1 : 0 },
      );
      if (i === 7) append(f, { t: 3000, type: 'note', text: 'Special 100%_note' });
    }
    ingestAll(store);
    const page1 = listRuns(store, { limit: 10 });
    const page3 = listRuns(store, { limit: 10, offset: 20 });
    assert.equal(page1.length, 10);
    assert.equal(page3.length, 5);
    assert.equal(page1[0].id, ids[24]);
    assert.deepEqual(listRuns(store, { limit: 3, order: { by: 'started', desc: false } }).map((r) => r.id), ids.slice(0, 3));
    assert.equal(countRuns(store), 25);
    assert.equal(countRuns(store, { status: 'failed' }), 7);
    assert.equal(countRuns(store, { status: ['failed', 'finished'] }), 25);
    assert.equal(countRuns(store, { experiment: 'exp1' }), 8);
    assert.equal(countRuns(store, { experiment: null }), 9);
    assert.equal(countRuns(store, { tag: 'five' }), 5);
    // Free words of the query language: substrings, `%` and `_` as themselves, any case.
    assert.deepEqual(listRuns(store, { where: compileQuery('"100%_"') }).map((r) => r.id), [ids[7]]);
    assert.equal(countRuns(store, { where: compileQuery('"%"') }), 1);
    assert.equal(countRuns(store, { where: compileQuery('FIVE') }), 5);
    const names = listRuns(store, { limit: 100, order: { by: 'name' } }).map((r) => r.name);
    assert.deepEqual(names, [...names].sort((a, b) => a!.localeCompare(b!, 'en', { sensitivity: 'base' })));
    assert.deepEqual(
      experiments(store).map((e) => [e.name, e.runs]),
      [
        [null, 9],
        ['exp1', 8],
        ['exp2', 8],
      ],
    );
    assert.equal(resolveRun(store, ids[10]), ids[10]);
    assert.equal(resolveRun(store, '20240101-000010'), ids[10]);
    assert.equal(resolveRun(store, 'run 12'), ids[12]);
    assert.throws(() => resolveRun(store, '20240101-0000'), AmbiguousRunError);
    assert.throws(() => resolveRun(store, 'dup'), AmbiguousRunError);
    assert.throws(() => resolveRun(store, 'zzz'), UnknownRunError);
  });
});

test('a replaced log is re-read from the start; a removed folder leaves the index', () => {
  withStore((store, root) => {
    const id = '20240101-000000-565656';
    const f = makeRun(root, id);
    append(f, { t: 1, type: 'run', name: 'long name here' }, metricsLine(2, 0, { a: 1 }), metricsLine(3, 1, { a: 2 }));
    ingestAll(store);
    writeFileSync(f, JSON.stringify({ t: 9, type: 'run', name: 'new' }) + '\n');
    const r = ingestAll(store);
    assert.deepEqual(r.runsChanged, [id]);
    assert.equal(getRun(store, id)?.name, 'new');
    assert.deepEqual(summaries(store, id), []);
    rmSync(join(root, 'runs', id), { recursive: true });
    const gone = ingestAll(store);
    assert.deepEqual(gone.runsRemoved, [id]);
    assert.equal(countRuns(store, { includeDeleted: true }), 0);
  });
});

test('a run folder with only meta.json is listed with its creation time', () => {
  withStore((store, root) => {
    makeRun(root, '20240101-000000-787878', 1_700_000_000_000);
    ingestAll(store);
    const [run] = listRuns(store);
    assert.equal(run.id, '20240101-000000-787878');
    assert.equal(run.started, 1_700_000_000_000);
    assert.equal(run.status, 'running');
  });
});

test('an index.db that is not a database, or from a newer schema, gives CorruptIndexError', () => {
  const tmp = tempRoot();
  try {
    writeFileSync(indexPath(tmp.root), 'this is not a database at all, just some text that is long enough'.repeat(100));
    assert.throws(() => openIndex(tmp.root), CorruptIndexError);
    rmSync(indexPath(tmp.root));
    const db = processEngine().driver.open(indexPath(tmp.root));
    db.exec('PRAGMA user_version = 99');
    db.close();
    assert.throws(() => openIndex(tmp.root), /newer/);
    rmSync(indexPath(tmp.root));
    const other = processEngine().driver.open(indexPath(tmp.root));
    other.exec('CREATE TABLE something (x)');
    other.close();
    assert.throws(() => openIndex(tmp.root), CorruptIndexError);
  } finally {
    tmp.cleanup();
  }
});

test('opening an existing index keeps its data (schema created once)', () => {
  const tmp = tempRoot();
  try {
    const f = makeRun(tmp.root, '20240101-000000-909090');
    append(f, metricsLine(1, 0, { a: 1 }));
    const s1 = openIndex(tmp.root);
    ingestAll(s1);
    s1.close();
    const s2 = openIndex(tmp.root);
    assert.equal(s2.pragma('user_version'), SCHEMA_VERSION);
    assert.equal(summaries(s2, '20240101-000000-909090').length, 1);
    assert.deepEqual(ingestAll(s2).runsChanged, []);
    s2.close();
  } finally {
    tmp.cleanup();
  }
});

test('an index from before every value was kept (schema 2) is read again from the run folders', () => {
  const tmp = tempRoot();
  try {
    const id = '20240101-000000-0a0a0a';
    const f = makeRun(tmp.root, id);
    // Ten values per step for five steps, as per-batch losses logged at step=epoch.
    for (let step = 0; step < 5; step++) for (let b = 0; b < 10; b++) append(f, metricsLine(step * 10 + b, step, { loss: step + b / 10 }));
    // Schema 2 as it was, holding the run as that version indexed it: one value per step.
    const old = processEngine().driver.open(indexPath(tmp.root));
    old.exec(MIGRATIONS[0]);
    old.exec(MIGRATIONS[1]);
    old.exec('PRAGMA user_version = 2');
    old.prepare("INSERT INTO runs (rid, id, status) VALUES (1, ?, 'finished')").run(id);
    old.prepare('INSERT INTO metric_keys (kid, key) VALUES (1, ?)').run('loss');
    for (let step = 0; step < 5; step++) old.prepare('INSERT INTO points (rid, kid, step, value) VALUES (1, 1, ?, ?)').run(step, step + 0.9);
    old.prepare('INSERT INTO ingest_offsets (rid, offset, lines) VALUES (1, ?, 50)').run(readFileSync(f).length);
    old.close();

    const store = openIndex(tmp.root);
    try {
      assert.equal(store.pragma('user_version'), SCHEMA_VERSION);
      ingestAll(store);
      const p = points(store, id, 'loss');
      assert.equal(p.steps.length, 50);
      assert.deepEqual([...p.values.subarray(0, 3)], [0, 0.1, 0.2]);
      assert.equal(summaries(store, id)[0].count, 50);
    } finally {
      store.close();
    }
  } finally {
    tmp.cleanup();
  }
});
