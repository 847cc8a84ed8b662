import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { blobPath } from '../../src/core/blobs';
import { createSnapshotCache, snapshotCode } from '../../src/core/runner/snapshot';
import { cleanupTempDirs, tempDir } from '../fixtures/runner/helpers';

test.after(cleanupTempDirs);

function write(base: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, p)), { recursive: true });
    writeFileSync(join(base, p), text);
  }
}

function blobCount(root: string): number {
  const base = join(root, 'blobs', 'sha256');
  try {
    return readdirSync(base).reduce((n, d) => n + readdirSync(join(base, d)).filter((f) => !f.startsWith('.')).length, 0);
  } catch {
    return 0;
  }
}

const WORKSPACE: Record<string, string> = {
  'train.py': 'print("train")\n',
  'model/net.py': 'class Net: pass\n',
  'model/copy_of_net.py': 'class Net: pass\n',
  'conf/base.yaml': 'lr: 0.1\n',
  'pyproject.toml': '[project]\nname="x"\n',
  'requirements.txt': 'numpy\n',
  'README.md': 'not included by default\n',
  'notebooks/explore.ipynb': '{"cells": []}\n',
  '.gitignore': 'secrets.py\n/build/\n*.gen.py\n!keep.gen.py\ndata/\n',
  'secrets.py': 'KEY = 1\n',
  'build/out.py': 'x = 1\n',
  'pkg/build/ok.py': 'fine = 1\n',
  'gen/a.gen.py': 'a = 1\n',
  'gen/keep.gen.py': 'k = 1\n',
  'data/loader.py': 'ignored = 1\n',
  'sub/.gitignore': 'local_*.py\n',
  'sub/local_debug.py': 'd = 1\n',
  'sub/main.py': 'm = 1\n',
  'node_modules/pkg/x.py': 'n = 1\n',
  '.trackside/runs/r/x.py': 't = 1\n',
  '__pycache__/c.py': 'c = 1\n',
  '.venv/pyvenv.cfg': 'home = /usr\n',
  '.venv/lib/site.py': 'v = 1\n',
  'myenv/pyvenv.cfg': 'home = /usr\n',
  'myenv/lib/y.py': 'v = 2\n',
};

const EXPECTED = [
  'conf/base.yaml',
  'gen/keep.gen.py',
  'model/copy_of_net.py',
  'model/net.py',
  'notebooks/explore.ipynb',
  'pkg/build/ok.py',
  'pyproject.toml',
  'requirements.txt',
  'sub/main.py',
  'train.py',
];

test('walk: default includes, .gitignore (root, nested, anchored, dir-only, negation), always-skipped folders', async () => {
  const ws = tempDir('ts-snap-');
  write(ws, WORKSPACE);
  const root = join(ws, '.trackside');
  const snap = await snapshotCode(root, ws, { useGit: false, cache: createSnapshotCache() });
  assert.equal(snap.source, 'walk');
  assert.deepEqual(snap.files.map((f) => f.path).sort(), EXPECTED);
  assert.deepEqual(snap.skipped, []);
  for (const f of snap.files) assert.equal(readFileSync(blobPath(root, f.hash), 'utf8'), WORKSPACE[f.path]);
  // the two identical files share one blob
  assert.equal(blobCount(root), EXPECTED.length - 1);
  assert.equal(snap.totalBytes, EXPECTED.reduce((n, p) => n + Buffer.byteLength(WORKSPACE[p]), 0));
});

test('git: the file list comes from git (tracked + untracked, not ignored)', async () => {
  const ws = tempDir('ts-snap-git-');
  write(ws, WORKSPACE);
  execFileSync('git', ['init', '-q'], { cwd: ws });
  write(ws, { '.git/info/exclude': 'excluded_by_info.py\n', 'excluded_by_info.py': 'e = 1\n' });
  const snap = await snapshotCode(join(ws, '.trackside'), ws, { cache: createSnapshotCache() });
  assert.equal(snap.source, 'git');
  // .venv/myenv are not ignored by .gitignore here: left out because they hold pyvenv.cfg
  assert.deepEqual(snap.files.map((f) => f.path).sort(), EXPECTED);
});

test('the script is always included, first, even when ignored, too large or outside the workspace', async () => {
  const ws = tempDir('ts-snap-');
  write(ws, { 'secrets.py': 'x = 1\n'.repeat(100), '.gitignore': 'secrets.py\n', 'a.py': 'a'.repeat(20) });
  const other = tempDir('ts-other-');
  write(other, { 'outside.py': 'o = 1\n' });
  const root = join(ws, '.trackside');
  const inside = await snapshotCode(root, ws, { script: 'secrets.py', useGit: false, maxFileBytes: 10, cache: createSnapshotCache() });
  assert.deepEqual(inside.files.map((f) => f.path), ['secrets.py']);
  assert.deepEqual(inside.skipped, [{ path: 'a.py', size: 20, reason: 'too-large' }]);
  const outside = await snapshotCode(root, ws, { script: join(other, 'outside.py'), useGit: false, cache: createSnapshotCache() });
  assert.deepEqual(outside.files.map((f) => f.path), ['(external)/outside.py', 'a.py']);
});

test('size and count caps skip files and say why', async () => {
  const ws = tempDir('ts-snap-');
  write(ws, {
    'a.py': 'a'.repeat(100),
    'b.py': 'b'.repeat(2000), // over maxFileBytes
    'c.py': 'c'.repeat(300),
    'd.py': 'd'.repeat(300), // over the total
    'e.py': 'e'.repeat(10),
    'f.py': 'f'.repeat(10), // over maxFiles
  });
  const snap = await snapshotCode(join(ws, '.trackside'), ws, {
    useGit: false,
    maxFileBytes: 1000,
    maxTotalBytes: 500,
    maxFiles: 3,
    cache: createSnapshotCache(),
  });
  assert.deepEqual(snap.files.map((f) => f.path), ['a.py', 'c.py', 'e.py']);
  assert.deepEqual(snap.skipped, [
    { path: 'b.py', size: 2000, reason: 'too-large' },
    { path: 'd.py', size: 300, reason: 'total-cap' },
    { path: 'f.py', size: 10, reason: 'file-cap' },
  ]);
  assert.equal(snap.totalBytes, 410);
});

test('include/exclude settings', async () => {
  const ws = tempDir('ts-snap-');
  write(ws, { 'a.py': 'a', 'tests/t.py': 't', 'notes.md': 'n' });
  const snap = await snapshotCode(join(ws, '.trackside'), ws, {
    useGit: false,
    include: ['**/*.py', '*.md'],
    exclude: ['tests/**'],
    cache: createSnapshotCache(),
  });
  assert.deepEqual(snap.files.map((f) => f.path), ['a.py', 'notes.md']);
});

test('unchanged files are not stored again; a changed file gets a new blob', async () => {
  const ws = tempDir('ts-snap-');
  write(ws, { 'a.py': 'v1\n', 'b.py': 'b\n' });
  const root = join(ws, '.trackside');
  const cache = createSnapshotCache();
  const first = await snapshotCode(root, ws, { useGit: false, cache });
  assert.equal(blobCount(root), 2);
  const second = await snapshotCode(root, ws, { useGit: false, cache });
  assert.deepEqual(second.files, first.files);
  assert.equal(blobCount(root), 2);
  // A cache entry is only trusted with the same size and mtime.
  writeFileSync(join(ws, 'a.py'), 'v2\n');
  utimesSync(join(ws, 'a.py'), new Date(), new Date(Date.now() + 5000));
  const third = await snapshotCode(root, ws, { useGit: false, cache });
  assert.notEqual(third.files.find((f) => f.path === 'a.py')!.hash, first.files.find((f) => f.path === 'a.py')!.hash);
  assert.equal(blobCount(root), 3);
});
