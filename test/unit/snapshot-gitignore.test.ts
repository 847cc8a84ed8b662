import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, parseGitignore } from '../../src/core/runner/gitignore';
import { globMatcher } from '../../src/core/runner/glob';

const ign = (text: string, path: string, isDir = false, base = ''): boolean => isIgnored(parseGitignore(text, base), path, isDir);

test('unanchored patterns match the name at any depth', () => {
  assert.ok(ign('*.log', 'a.log'));
  assert.ok(ign('*.log', 'deep/er/a.log'));
  assert.ok(!ign('*.log', 'a.log.txt'));
  assert.ok(ign('data', 'x/data', true));
  assert.ok(ign('file?.txt', 'file1.txt'));
  assert.ok(!ign('file?.txt', 'file10.txt'));
  assert.ok(ign('[abc].py', 'b.py'));
  assert.ok(!ign('[!abc].py', 'b.py'));
});

test('a slash anchors to the .gitignore folder', () => {
  assert.ok(ign('/build', 'build', true));
  assert.ok(!ign('/build', 'src/build', true));
  assert.ok(ign('doc/frotz', 'doc/frotz'));
  assert.ok(!ign('doc/frotz', 'a/doc/frotz'));
  // nested .gitignore in sub/: anchored to sub/
  assert.ok(ign('/out', 'sub/out', true, 'sub'));
  assert.ok(!ign('/out', 'out', true, 'sub'));
  assert.ok(!ign('*.tmp', 'other/x.tmp', false, 'sub'));
  assert.ok(ign('*.tmp', 'sub/y/x.tmp', false, 'sub'));
});

test('trailing slash matches folders only', () => {
  assert.ok(ign('cache/', 'cache', true));
  assert.ok(!ign('cache/', 'cache', false));
  assert.ok(ign('cache/', 'a/cache', true));
});

test('** spans folders', () => {
  assert.ok(ign('**/logs', 'logs', true));
  assert.ok(ign('**/logs', 'a/b/logs', true));
  assert.ok(ign('logs/**', 'logs/a/b.txt'));
  assert.ok(!ign('logs/**', 'logs', true));
  assert.ok(ign('a/**/b', 'a/b'));
  assert.ok(ign('a/**/b', 'a/x/y/b'));
  assert.ok(!ign('a/**/b', 'c/a/x/b'));
});

test('! negates and the last match wins; comments, blanks and escapes', () => {
  const text = '# comment\n\n*.csv\n!keep.csv\n\\#hash\n\\!bang\ntrail\\ \n';
  assert.ok(ign(text, 'x.csv'));
  assert.ok(!ign(text, 'keep.csv'));
  assert.ok(!ign(text, 'sub/keep.csv'));
  assert.ok(ign(text, '#hash'));
  assert.ok(ign(text, '!bang'));
  assert.ok(ign(text, 'trail '));
  assert.ok(!ign(text, 'comment'));
  // later (nested) rules win over earlier (root) ones
  const rules = [...parseGitignore('*.txt'), ...parseGitignore('!notes.txt', 'docs')];
  assert.ok(!isIgnored(rules, 'docs/notes.txt', false));
  assert.ok(isIgnored(rules, 'notes.txt', false));
});

test('include globs: **, braces, root-level files', () => {
  const m = globMatcher(['**/*.py', '**/*.{yaml,yml,toml}', '**/requirements*.txt']);
  assert.ok(m('train.py'));
  assert.ok(m('src/models/net.py'));
  assert.ok(m('conf/a.yaml') && m('b.yml') && m('pyproject.toml'));
  assert.ok(m('requirements.txt') && m('env/requirements-dev.txt'));
  assert.ok(!m('notes.txt') && !m('train.pyc') && !m('a.py/x.json'));
  assert.ok(!globMatcher([])('anything'));
  assert.ok(globMatcher(['./src/*.py'])('src/a.py'));
  assert.ok(!globMatcher(['src/*.py'])('src/sub/a.py'));
  assert.ok(globMatcher(['{unclosed'])('{unclosed'));
});
