// A run restored from an archive made elsewhere is marked imported (its command names another
// machine's interpreter and folder): the index says so, so the editor never reruns it without
// showing that command first.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportRunArchive } from '../../src/core/export/runArchive';
import { importPaths } from '../../src/core/import/importPaths';
import { ingestAll } from '../../src/core/ingest';
import { getRun, listRuns } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { append, makeRun, metricsLine, tempRoot } from './runFolders';

const ID = '20250301-000000-abcdef';

test('a run imported from an archive is marked imported (imported.json), which the index reads; the original is not', async () => {
  const from = tempRoot();
  const to = tempRoot();
  try {
    append(
      makeRun(from.root, ID),
      { t: 1, type: 'run', name: 'remote', source: 'editor', command: ['/opt/py/bin/python', 'train.py'], cwd: '/home/someone/proj', script: 'train.py' },
      metricsLine(2, 0, { loss: 1 }),
      { t: 3, type: 'status', status: 'finished', exit_code: 0 },
    );
    const src = openIndex(from.root);
    ingestAll(src);
    assert.equal(getRun(src, ID)?.imported, null);
    src.close();
    const file = join(from.workspace, 'runs.tar.gz');
    await exportRunArchive(from.root, [ID], file);

    const report = await importPaths(to.root, [file]);
    assert.deepEqual(report.imported.map((r) => r.id), [ID]);
    const store = openIndex(to.root);
    try {
      ingestAll(store);
      const run = getRun(store, ID)!;
      assert.equal(run.source, 'editor', 'who started it stays as recorded');
      assert.equal(run.imported, 'archive runs.tar.gz');
      assert.equal(listRuns(store)[0].imported, 'archive runs.tar.gz');
      assert.deepEqual(run.command, ['/opt/py/bin/python', 'train.py']);
    } finally {
      store.close();
    }
  } finally {
    from.cleanup();
    to.cleanup();
  }
});
