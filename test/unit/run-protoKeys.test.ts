// Keys are data: a param or metric named "__proto__" (or "constructor") is shown like any other,
// by getRun (the CLI and the panels' run view) and by the runs listing.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestAll } from '../../src/core/ingest';
import { latestValues } from '../../src/core/metricQueries';
import { getRun } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { localSources, toRunView } from '../../src/views/runView';
import { append, makeRun, tempRoot } from './runFolders';

const CLI = join(resolve(__dirname, '../..'), 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const ID = '20240101-000000-proto0';

// Written as text: an object literal with a __proto__ key would set a prototype instead.
const LINES = [
  '{"t":1,"type":"run","name":"p","params":{"__proto__":{"polluted":1},"constructor":"c","lr":0.1}}\n',
  '{"t":2,"type":"params","values":{"toString":2}}\n',
  '{"t":3,"type":"metrics","step":0,"values":{"__proto__":"NaN","loss":1}}\n',
  '{"t":4,"type":"metrics","step":1,"values":{"__proto__":0.5,"loss":"Infinity"}}\n',
];
const PARAMS = '{"__proto__":{"polluted":1},"constructor":"c","lr":0.1,"toString":2}';

test('a param and a metric named __proto__ are in getRun, the run view, latestValues and the CLI', () => {
  const tmp = tempRoot('trackside-proto-');
  try {
    append(makeRun(tmp.root, ID), ...LINES);
    const store = openIndex(tmp.root);
    try {
      ingestAll(store);
      const run = getRun(store, ID)!;
      assert.equal(JSON.stringify(run.params), PARAMS);
      assert.equal(Object.getPrototypeOf(run.params), Object.prototype);
      assert.deepEqual(run.metrics.map((m) => [m.key, m.count, m.last]), [['__proto__', 2, 0.5], ['loss', 2, Infinity]]);
      assert.equal(JSON.stringify(toRunView(run, localSources(store, run.id, 'blobs')).params), PARAMS);
      const latest = latestValues(store, [ID]).get(ID)!;
      assert.deepEqual(Object.keys(latest), ['__proto__', 'loss']);
      assert.equal(latest['__proto__' as keyof typeof latest], 0.5);
      assert.equal(({} as { polluted?: number }).polluted, undefined);
    } finally {
      store.close();
    }
    const env = { ...process.env };
    delete env.TRACKSIDE_HOME;
    const cli = (...args: string[]): string => spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd: tmp.workspace, env, encoding: 'utf8' }).stdout;
    assert.match(cli('show', ID), /\n {2}__proto__ = \{"polluted":1\}\n {2}constructor = "c"\n/);
    assert.ok(cli('show', ID, '--json').includes('"__proto__": {'));
    assert.match(cli('runs'), /__proto__=0\.5 loss=\+Inf/);
  } finally {
    tmp.cleanup();
  }
});
