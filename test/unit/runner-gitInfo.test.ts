import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitInfo } from '../../src/core/runner/gitInfo';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

test('clean repository: commit and branch, not dirty, empty diff', async () => {
  const ws = tempDir('ts-git-');
  git(ws, 'init', '-q', '-b', 'main');
  writeFileSync(join(ws, 'train.py'), 'lr = 0.1\n');
  git(ws, 'add', '.');
  git(ws, 'commit', '-q', '-m', 'first');
  const info = await gitInfo(ws);
  assert.deepEqual(info, { commit: git(ws, 'rev-parse', 'HEAD'), branch: 'main', dirty: false, diff: '' });
});

test('changes: dirty with the diff against HEAD; untracked files do not make it dirty', async () => {
  const ws = tempDir('ts-git-');
  git(ws, 'init', '-q', '-b', 'exp/lr');
  writeFileSync(join(ws, 'train.py'), 'lr = 0.1\n');
  git(ws, 'add', '.');
  git(ws, 'commit', '-q', '-m', 'first');
  writeFileSync(join(ws, 'new.py'), 'untracked\n');
  assert.equal((await gitInfo(ws))?.dirty, false);
  writeFileSync(join(ws, 'train.py'), 'lr = 0.2\n');
  const info = await gitInfo(ws);
  assert.equal(info?.branch, 'exp/lr');
  assert.equal(info?.dirty, true);
  assert.match(info!.diff, /^-lr = 0\.1$/m);
  assert.match(info!.diff, /^\+lr = 0\.2$/m);
});

test('detached HEAD has no branch; a repository without commits has no commit', async () => {
  const ws = tempDir('ts-git-');
  git(ws, 'init', '-q');
  writeFileSync(join(ws, 'a.py'), '1\n');
  const empty = await gitInfo(ws);
  assert.equal(empty?.commit, undefined);
  assert.equal(empty?.diff, '');
  git(ws, 'add', '.');
  git(ws, 'commit', '-q', '-m', 'first');
  git(ws, 'checkout', '-q', '--detach');
  const info = await gitInfo(ws);
  assert.equal(info?.branch, undefined);
  assert.match(info?.commit ?? '', /^[0-9a-f]{40}$/);
});

test('not a repository, or no git: undefined, never a throw', async () => {
  const ws = tempDir('ts-nogit-');
  assert.equal(await gitInfo(ws), undefined);
  assert.equal(await gitInfo(ws, { git: '/nonexistent/git' }), undefined);
  assert.equal(await gitInfo('/nonexistent/folder'), undefined);
});
