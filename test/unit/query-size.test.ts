// Queries beyond what SQLite evaluates in one flat expression (depth 1000): long ORs, ANDs and
// `in` lists still run, and a query past SQLite's limits is a QueryError, never SQLite's text.
process.env.TZ = 'UTC';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import type { QueryNode } from '../../src/core/query/ast';
import { compileNode, compileQuery } from '../../src/core/query/compile';
import { parseQuery } from '../../src/core/query/parse';
import { QueryError } from '../../src/core/query/queryError';
import { listRuns } from '../../src/core/runQueries';
import { openIndex, type Store } from '../../src/core/store';
import { append, makeRun, tempRoot } from './runFolders';

interface Fixture {
  now: number;
  runs: { id: string; events: object[] }[];
  cases: { query: string; ids: string[] }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/query/cases.json'), 'utf8')) as Fixture;

function withFixtureIndex(fn: (store: Store) => void): void {
  const tmp = tempRoot('trackside-query-size-');
  for (const r of fixture.runs) append(makeRun(tmp.root, r.id), ...r.events);
  const store = openIndex(tmp.root);
  try {
    ingestAll(store);
    fn(store);
  } finally {
    store.close();
    tmp.cleanup();
  }
}

const ids = (store: Store, node: QueryNode): string[] =>
  listRuns(store, { where: compileNode(node), limit: 1000, includeDeleted: true })
    .map((r) => r.id)
    .sort();
const idsOf = (store: Store, query: string): string[] => ids(store, parseQuery(query, { now: fixture.now }));

/** Short distinct values that are not keywords: 2,000 of them fit the 10,000-character query limit. */
function words(n: number): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const out: string[] = [];
  for (const a of letters) for (const b of letters) out.push(a + b);
  for (const a of letters) for (const b of letters) for (const c of letters) out.push(a + b + c);
  return out.filter((w) => !['in', 'or', 'and', 'not'].includes(w)).slice(0, n);
}

test('2,000-term queries run: ANDed words, ORed words, `in` lists (grouped so SQLite nests them shallowly)', () => {
  withFixtureIndex((store) => {
    const two = words(2000);
    assert.equal(new Set(two).size, 2000);
    assert.deepEqual(idsOf(store, Array(2000).fill('e').join(' ')), idsOf(store, 'e'));
    assert.deepEqual(idsOf(store, Array(2000).fill('r').join(' or ')), idsOf(store, 'r'));
    assert.deepEqual(idsOf(store, `name in (${[...two, 'bert-small'].join(',')})`), idsOf(store, 'name = bert-small'));
    assert.deepEqual(idsOf(store, `params.opt in (${[...two.slice(0, 1999), 'sgd'].join(',')})`), idsOf(store, 'params.opt = sgd'));
    assert.deepEqual(idsOf(store, `tags in (${[...two.slice(1), 'baseline'].join(',')})`), idsOf(store, 'tags = baseline'));
    for (const q of ['e', 'r', 'name = bert-small', 'params.opt = sgd', 'tags = baseline']) assert.ok(idsOf(store, q).length > 0, q);
  });
});

test('a query the depth check lets through runs in SQLite; one level deeper is a QueryError (every shared case)', () => {
  const wrap = (node: QueryNode, k: number): QueryNode => {
    for (let i = 0; i < k; i++) node = { kind: 'not', item: node };
    return node;
  };
  const compiles = (node: QueryNode): boolean => {
    try {
      compileNode(node);
      return true;
    } catch (e) {
      assert.ok(e instanceof QueryError);
      assert.match(e.message, /^Query error at column 1: expected a smaller query \(conditions nested at most 950 deep\), found \d+$/);
      return false;
    }
  };
  withFixtureIndex((store) => {
    for (const c of fixture.cases) {
      const node = parseQuery(c.query, { now: fixture.now });
      let lo = 0;
      let hi = 2000;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (compiles(wrap(node, mid))) lo = mid;
        else hi = mid - 1;
      }
      assert.ok(lo > 900, `${c.query}: only ${lo} levels`);
      assert.equal(compiles(wrap(node, lo + 1)), false);
      // The deepest allowed form runs, and an even number of nots means the query itself.
      const even = lo % 2 === 0 ? lo : lo - 1;
      assert.deepEqual(ids(store, wrap(node, even)), ids(store, node), c.query);
      ids(store, wrap(node, lo));
    }
  });
});

test('more values than SQLite binds is a QueryError', () => {
  const values = Array.from({ length: 33_000 }, (_, i) => `v${i}`);
  assert.throws(
    () => compileNode({ kind: 'cmp', field: { kind: 'text', column: 'name' }, op: 'in', values }),
    (e: unknown) => e instanceof QueryError && e.message === 'Query error at column 1: expected a smaller query (at most 32000 values), found 33000 values',
  );
  assert.ok(compileQuery(`name in (${words(2000).join(',')})`).sql.length > 0);
});
