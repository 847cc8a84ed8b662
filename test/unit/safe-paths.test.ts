import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inside, safeFileName, safeRelative } from '../../src/core/safePaths';

test('only a plain relative POSIX path is safe', () => {
  for (const ok of ['a/b.txt', 'f.py', '(external)/x']) assert.equal(safeRelative(ok), ok);
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'c:/x', '', 'a\0b', 'a//b', 'a\\b', './a', 'a/.', 'a/']) assert.equal(safeRelative(bad), undefined, bad);
});

test('names from events never choose where to write', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-paths-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(inside(dir, 'sub/f.py'), join(dir, 'sub', 'f.py'));
  assert.equal(inside(dir, '../f.py'), undefined);
  assert.equal(inside(dir, '(external)/x'), undefined, "a snapshot's file from outside the workspace has no place in it");
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('<img src=x>.png'), '_img src_x_.png');
  assert.equal(safeFileName('..'), 'artifact');
});
