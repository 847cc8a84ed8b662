import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiter } from 'node:path';
import { buildChildEnv } from '../../src/core/runner/childEnv';
import { summarizeFailure } from '../../src/core/runner/failureSummary';

test('run environment: run dir, client first on PYTHONPATH, unbuffered, overrides and removals', () => {
  const env = buildChildEnv({
    runDir: '/ws/.trackside/runs/r',
    clientPath: '/ext/python',
    env: { PYTHONPATH: '/mine', CUDA_VISIBLE_DEVICES: '1', HOME: undefined, PYTHONIOENCODING: 'latin-1' },
  });
  assert.equal(env.TRACKSIDE_RUN_DIR, '/ws/.trackside/runs/r');
  assert.equal(env.PYTHONPATH, `/ext/python${delimiter}/mine`);
  assert.equal(env.PYTHONUNBUFFERED, '1');
  assert.equal(env.CUDA_VISIBLE_DEVICES, '1');
  assert.equal(env.PYTHONIOENCODING, 'latin-1');
  assert.ok(!('HOME' in env));
  assert.equal(env.PATH, process.env.PATH);
  const bare = buildChildEnv({ runDir: '/r', inherit: false });
  assert.deepEqual(bare, { TRACKSIDE_RUN_DIR: '/r', PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });
});

test('failure summary: the last traceback, else the last stderr lines', () => {
  const tb = 'warning\nTraceback (most recent call last):\n  File "a.py", line 1\nKeyError: 1\nTraceback (most recent call last):\n  File "b.py", line 2\nValueError: x\n';
  assert.equal(summarizeFailure(tb), 'Traceback (most recent call last):\n  File "b.py", line 2\nValueError: x');
  assert.equal(summarizeFailure('one\ntwo\n'), 'one\ntwo');
  assert.equal(summarizeFailure('  \n'), undefined);
  assert.ok(summarizeFailure('x'.repeat(10_000))!.length <= 4001);
});
