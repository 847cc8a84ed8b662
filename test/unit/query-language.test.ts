// The query language against the cases shared with the Python reader
// (test/fixtures/query/cases.json): matches, error columns and messages, hostile input.
process.env.TZ = 'UTC';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { compileQuery } from '../../src/core/query/compile';
import { QueryError } from '../../src/core/query/queryError';
import { countRuns, listRuns, runIds } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { append, makeRun, tempRoot } from './runFolders';

interface Fixture {
  now: number;
  runs: { id: string; events: object[] }[];
  cases: { query: string; ids: string[] }[];
  errors: { query: string; column: number; message: string }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/query/cases.json'), 'utf8')) as Fixture;

function withFixtureIndex(fn: (store: Store) => void): void {
  const tmp = tempRoot('trackside-query-');
  for (const r of fixture.runs) append(makeRun(tmp.root, r.id, r.events.length ? (r.events[0] as { t: number }).t : undefined), ...r.events);
  const store = openIndex(tmp.root);
  try {
    ingestAll(store);
    fn(store);
  } finally {
    store.close();
    tmp.cleanup();
  }
}

function matching(store: Store, query: string): string[] {
  const where = compileQuery(query, { now: fixture.now });
  return listRuns(store, { where, limit: 1000 })
    .map((r) => r.id)
    .sort();
}

test('every shared case matches the expected runs (listRuns, countRuns and runIds)', () => {
  withFixtureIndex((store) => {
    for (const c of fixture.cases) {
      assert.deepEqual(matching(store, c.query), c.ids, c.query);
      assert.equal(countRuns(store, { where: compileQuery(c.query, { now: fixture.now }) }), c.ids.length, c.query);
      assert.deepEqual(runIds(store, { where: compileQuery(c.query, { now: fixture.now }) }).sort(), c.ids, c.query);
    }
  });
});

test('every shared error names its column and what was expected', () => {
  for (const e of fixture.errors) {
    assert.throws(
      () => compileQuery(e.query, { now: fixture.now }),
      (err: unknown) => {
        assert.ok(err instanceof QueryError, e.query);
        assert.equal(err.message, e.message, e.query);
        assert.equal(err.column, e.column, e.query);
        return true;
      },
    );
  }
});

test('values never reach the SQL text: hostile cases compile to fixed SQL with bound parameters', () => {
  const payloads = ["x' OR 1=1 --", 'x"; DROP TABLE runs; --', "'); DELETE FROM runs; --", "lr') OR 1=1 --"];
  for (const p of payloads) {
    const quoted = JSON.stringify(p);
    for (const q of [`name = ${quoted}`, `params.${quoted} = 1`, `metrics.${quoted}.max > 0`, `tags ~ ${quoted}`, quoted, `dataset = ${quoted}`]) {
      const c = compileQuery(q);
      assert.ok(!c.sql.includes(p), `${q} → ${c.sql}`);
      assert.ok(!/DROP|DELETE|OR 1=1/.test(c.sql), c.sql);
      assert.ok(Object.values(c.params).some((v) => String(v).includes(p.replace(/[%_\\]/g, '')) || String(v).includes(p)), q);
    }
  }
  withFixtureIndex((store) => {
    for (const q of ['name = "x\'; DROP TABLE runs; --"', 'params."a\') OR 1=1; DROP TABLE params; --" = 1']) matching(store, q);
    assert.equal(store.engine.prepare('SELECT count(*) FROM runs').pluck().get(), fixture.runs.length);
    assert.ok((store.engine.prepare('SELECT count(*) FROM params').pluck().get() as number) > 0);
  });
});

test('an empty query matches everything; the compiled condition combines with the other filters', () => {
  withFixtureIndex((store) => {
    assert.equal(compileQuery('  ').sql, '1');
    const vision = listRuns(store, { experiment: 'vision', where: compileQuery('status != failed'), limit: 100 }).map((r) => r.id);
    assert.deepEqual(vision.sort(), ['20260102-120000-aaaaa1', '20260120-120000-eeeee5']);
    const withDeleted = listRuns(store, { includeDeleted: true, where: compileQuery('name = deleted-run'), limit: 100 });
    assert.equal(withDeleted.length, 1);
  });
});

test('relative times count back from now; a query too long is refused', () => {
  const now = Date.UTC(2026, 0, 21, 12);
  const c = compileQuery('started > -1d12h', { now });
  assert.equal(Object.values(c.params)[0], now - 36 * 3_600_000 + 1);
  assert.throws(() => compileQuery('a '.repeat(6000)), /expected a query of at most 10000 characters, found 12000 characters/);
});
