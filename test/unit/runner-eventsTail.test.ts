import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendEvent } from '../../src/core/runner/eventLog';
import { readLastStatus, readRunHead } from '../../src/core/runner/eventsTail';
import { cleanupTempDirs, readEvents, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

test('appendEvent writes one line with t first', () => {
  const dir = tempDir();
  appendEvent(dir, { type: 'note', text: 'hi', t: 5 });
  appendEvent(dir, { type: 'tags', add: ['a'] });
  const events = readEvents(dir);
  assert.deepEqual(events[0], { t: 5, type: 'note', text: 'hi' });
  assert.equal(Object.keys(events[1])[0], 't');
});

test('the last status is found far from the end, past long lines and a torn last line', () => {
  const dir = tempDir();
  appendEvent(dir, { type: 'run', name: 'a', pid: 1, host: 'h', params: { x: 1 } });
  appendEvent(dir, { type: 'status', status: 'running' });
  appendEvent(dir, { type: 'code', files: Array.from({ length: 3000 }, (_, i) => ({ path: `f${i}.py`, hash: 'a'.repeat(64), size: i })) });
  appendEvent(dir, { type: 'run', source: 'client', pid: 2, params: { y: 2 } });
  for (let i = 0; i < 5000; i++) appendEvent(dir, { type: 'metrics', step: i, values: { loss: 1 / (i + 1) } });
  appendFileSync(join(dir, 'events.jsonl'), '{"t":1,"type":"status","status":"finish');
  assert.equal(readLastStatus(dir)?.status, 'running');
  appendFileSync(join(dir, 'events.jsonl'), 'ed"}\n');
  assert.equal(readLastStatus(dir)?.status, 'finished');
  const head = readRunHead(dir, 1024 * 1024);
  assert.equal(head.pid, 2);
  assert.equal(head.host, 'h');
  assert.deepEqual(head.params, { x: 1, y: 2 });
});

test('no log, no status, or junk: undefined', () => {
  const dir = tempDir();
  assert.equal(readLastStatus(dir), undefined);
  writeFileSync(join(dir, 'events.jsonl'), 'not json\n{"type":"status"}\n{"t":1,"type":"metrics","step":0,"values":{}}\n');
  assert.equal(readLastStatus(dir), undefined);
  assert.deepEqual(readRunHead(dir), {});
});

test('recovery reads only regular files and passes over a line too long to collect', () => {
  const dir = tempDir();
  const file = join(dir, 'events.jsonl');
  appendEvent(dir, { type: 'status', status: 'running' });
  appendFileSync(file, `{"t":2,"type":"note","text":"${'x'.repeat(50_000)}"}\n`);
  appendEvent(dir, { type: 'metrics', step: 0, values: { loss: 1 } });
  assert.equal(readLastStatus(dir, 10_000)?.status, 'running');
  // A torn last line far longer than the limit: passed over without being held.
  appendFileSync(file, `{"t":3,"type":"status","status":"finished"${' '.repeat(3_000_000)}`);
  assert.equal(readLastStatus(dir, 10_000)?.status, 'running');
  appendFileSync(file, '}\n');
  assert.equal(readLastStatus(dir)?.status, 'finished', 'within the default limit the line is read');

  const fifoDir = tempDir();
  execFileSync('mkfifo', [join(fifoDir, 'events.jsonl')]);
  assert.equal(readLastStatus(fifoDir), undefined);
  assert.deepEqual(readRunHead(fifoDir), {});
});
