import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterpreterNotFoundError, resolveInterpreter } from '../../src/core/runner/interpreter';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

test('python3 resolves to its version and real executable', async () => {
  const py = await resolveInterpreter(['python3']);
  assert.equal(py.command, 'python3');
  assert.match(py.version, /^3\.\d+\.\d+/);
  assert.ok(py.executable.startsWith('/'), py.executable);
});

test('falls through candidates that are missing or are not Python', async () => {
  const py = await resolveInterpreter(['', '/nonexistent/python', '/bin/false', 'python3']);
  assert.equal(py.command, 'python3');
});

test('no usable candidate: InterpreterNotFoundError naming each and why', async () => {
  const dir = tempDir();
  const old = join(dir, 'oldpython');
  writeFileSync(old, '#!/bin/sh\necho 2.7.18\necho /usr/bin/python2\n');
  chmodSync(old, 0o755);
  const err = await resolveInterpreter(['/nonexistent/python', '/bin/false', old]).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof InterpreterNotFoundError);
  assert.match(err.message, /\/nonexistent\/python \(not found\)/);
  assert.match(err.message, /\/bin\/false \(exited with code 1\)/);
  assert.match(err.message, /Python 2\.7\.18 is older than 3\.8/);
  assert.match(err.message, /trackside\.pythonPath/);
  assert.equal(err.failures.length, 3);
  await assert.rejects(resolveInterpreter([]), InterpreterNotFoundError);
});
