// The one TypeScript append to events.jsonl: after a writer died mid-line, the next event
// (Stop's final status, a crashed mark, a reattach) still gets its own line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvents } from '../../src/core/eventReader';
import { ingestAll } from '../../src/core/ingest';
import { getRun } from '../../src/core/runQueries';
import { openIndex } from '../../src/core/store';
import { appendEvent } from '../../src/core/runner/eventLog';
import { readLastStatus } from '../../src/core/runner/eventsTail';
import { append, makeRun, tempRoot } from './runFolders';

const ID = '20240101-000000-torn00';

test('a status appended after a torn last line is kept: the fragment is one bad line, the run ends stopped', () => {
  const tmp = tempRoot('trackside-append-');
  try {
    const file = makeRun(tmp.root, ID);
    const dir = join(tmp.root, 'runs', ID);
    append(file, { t: 1, type: 'run', name: 'killed' }, { t: 2, type: 'status', status: 'running' });
    // The client was killed in the middle of writing a metrics line.
    appendFileSync(file, '{"t":3,"type":"metrics","step":7,"val');
    appendEvent(dir, { type: 'status', status: 'stopped', exit_code: null, t: 4 });
    assert.equal(readLastStatus(dir)?.status, 'stopped');
    const read = readEvents(file);
    assert.deepEqual(read.bad.map((b) => b.line), [3]);
    assert.deepEqual(read.events.at(-1), { t: 4, type: 'status', status: 'stopped', exit_code: null });

    // Edits go through the same append; a log that ends cleanly gets no blank line.
    appendEvent(dir, { t: 5, type: 'note', text: 'after the kill' });
    assert.ok(readFileSync(file, 'utf8').endsWith('"exit_code":null}\n{"t":5,"type":"note","text":"after the kill"}\n'));
    const store = openIndex(tmp.root);
    try {
      ingestAll(store);
      const run = getRun(store, ID);
      assert.equal(run?.status, 'stopped');
      assert.equal(run?.note, 'after the kill');
      assert.equal(run?.log.badCount, 1);
    } finally {
      store.close();
    }
  } finally {
    tmp.cleanup();
  }
});

test('appendEvent writes t first, now when not given (also when given as undefined)', () => {
  const tmp = tempRoot('trackside-append-');
  try {
    const dir = join(tmp.root, 'runs', ID);
    makeRun(tmp.root, ID);
    const before = Date.now();
    appendEvent(dir, { type: 'note', text: 'a' });
    appendEvent(dir, { type: 'note', text: 'b', t: undefined });
    const events = readEvents(join(dir, 'events.jsonl')).events;
    assert.equal(events.length, 2);
    for (const e of events) assert.ok(e.t >= before && e.t <= Date.now());
  } finally {
    tmp.cleanup();
  }
});
