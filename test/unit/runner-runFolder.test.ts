import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../../src/core/paths';
import { createRunFolder } from '../../src/core/runner/runFolder';
import { isRunId, newRunId, shortRunId } from '../../src/core/runner/runId';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

test('run ids are UTC "YYYYMMDD-HHMMSS-<6 hex>"', () => {
  const id = newRunId(new Date(Date.UTC(2024, 0, 5, 3, 4, 5)));
  assert.match(id, /^20240105-030405-[0-9a-f]{6}$/);
  assert.ok(isRunId(id));
  assert.equal(shortRunId(id), id.slice(-6));
  assert.ok(!isRunId('../20240105-030405-abcdef'));
  const ids = new Set(Array.from({ length: 200 }, () => newRunId()));
  assert.ok(ids.size > 190, 'random suffix differs');
});

test('createRunFolder writes meta.json and files/, and refuses an existing id', () => {
  const root = tempDir();
  const id = newRunId();
  const { dir, meta } = createRunFolder(root, id, 1234);
  assert.equal(dir, join(root, 'runs', id));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), { version: 1, id, created: 1234 });
  assert.deepEqual(meta, { version: 1, id, created: 1234 });
  assert.ok(statSync(join(dir, 'files')).isDirectory());
  assert.deepEqual(readdirSync(dir).sort(), ['files', 'meta.json']);
  assert.throws(() => createRunFolder(root, id), /EEXIST/);
  assert.throws(() => runDir(root, '../escape'));
  assert.ok(!existsSync(join(dir, '.meta.json.tmp')));
});
