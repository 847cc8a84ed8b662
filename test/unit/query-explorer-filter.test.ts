// The Run Explorer filter reads the query language; status:failed, tag:x and free words keep
// working (they are queries too); input that is not a query is refused with its error.
process.env.TZ = 'UTC';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRunFilter } from '../../src/core/query/runFilter';
import { ingestAll } from '../../src/core/ingest';
import { compileQuery } from '../../src/core/query/compile';
import { listRuns } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { append, makeRun, tempRoot } from './runFolders';

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/query/cases.json'), 'utf8')) as { runs: { id: string; events: object[] }[] };

test('filter input: a query (free words, status:, tag: included), or its error with the column', () => {
  assert.deepEqual(parseRunFilter('status:failed tag:baseline resnet'), { query: 'status:failed tag:baseline resnet' });
  assert.deepEqual(parseRunFilter('  params.lr > 0.001 or tag:gpu '), { query: 'params.lr > 0.001 or tag:gpu' });
  assert.deepEqual(parseRunFilter('name ~'), { error: 'Query error at column 7: expected a value, found end of query' });
  assert.deepEqual(parseRunFilter('   '), {});
});

test('the explorer query selects runs per experiment group', () => {
  const tmp = tempRoot('trackside-filter-');
  const store = openIndex(tmp.root);
  try {
    for (const r of fixture.runs) append(makeRun(tmp.root, r.id), ...r.events);
    ingestAll(store);
    const names = (input: string, experiment: string | null): (string | null)[] => {
      const f = parseRunFilter(input);
      assert.ok(f.query, input);
      return listRuns(store, { experiment, where: compileQuery(f.query) }).map((r) => r.name);
    };
    assert.deepEqual(names('status:failed', 'vision'), ['resnet18']);
    assert.deepEqual(names('tag:baseline', 'vision'), ['resnet50-baseline']);
    assert.deepEqual(names('tag:baseline', 'nlp'), ['bert-small']);
    assert.deepEqual(names('resnet', 'vision'), ['resnet18', 'resnet50-baseline']);
    assert.deepEqual(names('resnet or metrics.val/acc.max >= 0.9', 'nlp'), ['bert-small']);
    assert.deepEqual(names('started > -7d', null), []);
  } finally {
    store.close();
    tmp.cleanup();
  }
});
