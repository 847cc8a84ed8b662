// Runs nested under another run (MLflow child runs) are listed under it in the Run Explorer,
// not beside it; a filter lists every match flat; a child whose parent is not in the index is
// listed at the top.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ingestAll } from '../../src/core/ingest';
import { openIndex } from '../../src/core/store';
import { methodsOn } from '../support/inProcessIndex';
import { append, makeRun, tempRoot } from './runFolders';

const NONE = {};
const AUTO = { pinned: {}, fallback: '' };

test('children are listed under their parent run; filtered listings are flat; orphans stay on top', () => {
  const tmp = tempRoot();
  const store = openIndex(tmp.root);
  try {
    const run = (id: string, name: string, parent?: string) =>
      append(makeRun(tmp.root, id), { t: Number(id.slice(9, 15)), type: 'run', name, experiment: 'sweep', ...(parent ? { parent } : {}) });
    run('20250101-000001-aaaaaa', 'parent');
    run('20250101-000002-bbbbbb', 'child 1', '20250101-000001-aaaaaa');
    run('20250101-000003-cccccc', 'child 2', '20250101-000001-aaaaaa');
    run('20250101-000004-dddddd', 'orphan', '20240101-000000-gone00');
    ingestAll(store);
    const index = methodsOn(store);

    assert.deepEqual(index.explorerGroups(NONE), [{ name: 'sweep', count: 2 }]);
    const top = index.explorerRuns('sweep', NONE, 0, 100, AUTO);
    assert.deepEqual(top.map((r) => [r.name, r.children, r.parent]), [['orphan', 0, undefined], ['parent', 2, undefined]]);
    const kids = index.explorerChildren('20250101-000001-aaaaaa', AUTO);
    assert.deepEqual(kids.map((r) => [r.name, r.parent]), [['child 2', '20250101-000001-aaaaaa'], ['child 1', '20250101-000001-aaaaaa']]);
    assert.equal(index.explorerRun('20250101-000002-bbbbbb', NONE, AUTO)?.parent, '20250101-000001-aaaaaa');
    assert.equal(index.explorerRun('20250101-000004-dddddd', NONE, AUTO)?.parent, undefined);

    const filtered = { query: 'child' };
    assert.deepEqual(index.explorerGroups(filtered), [{ name: 'sweep', count: 2 }]);
    assert.deepEqual(index.explorerRuns('sweep', filtered, 0, 100, AUTO).map((r) => [r.name, r.children]), [['child 2', 0], ['child 1', 0]]);
  } finally {
    store.close();
    tmp.cleanup();
  }
});
