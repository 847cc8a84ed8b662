import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobPath, hasBlob, hashFile, putBytes, putFile } from '../../src/core/blobs';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'ts-blobs-'));

function allBlobs(root: string): string[] {
  const base = join(root, 'blobs', 'sha256');
  return readdirSync(base).flatMap((d) => readdirSync(join(base, d)).map((f) => d + f));
}

test('putBytes stores under blobs/sha256/<2>/<62> and reports hash and size', async () => {
  const root = tmp();
  const { hash, size } = await putBytes(root, 'hello\n');
  assert.equal(hash, sha('hello\n'));
  assert.equal(size, 6);
  assert.equal(blobPath(root, hash), join(root, 'blobs', 'sha256', hash.slice(0, 2), hash.slice(2)));
  assert.equal(readFileSync(blobPath(root, hash), 'utf8'), 'hello\n');
  assert.equal(await hasBlob(root, hash), true);
  assert.equal(await hasBlob(root, sha('other')), false);
});

test('identical content is stored once and an existing blob is not rewritten', async () => {
  const root = tmp();
  const src = tmp();
  writeFileSync(join(src, 'a.py'), 'print(1)\n');
  writeFileSync(join(src, 'b.py'), 'print(1)\n');
  const a = await putFile(root, join(src, 'a.py'));
  const before = statSync(blobPath(root, a.hash));
  const b = await putFile(root, join(src, 'b.py'));
  const c = await putBytes(root, Buffer.from('print(1)\n'));
  assert.equal(a.hash, b.hash);
  assert.equal(a.hash, c.hash);
  assert.deepEqual(allBlobs(root), [a.hash]);
  const after = statSync(blobPath(root, a.hash));
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtimeMs, before.mtimeMs);
});

test('putFile streams large files and leaves no temp files', async () => {
  const root = tmp();
  const src = tmp();
  const big = Buffer.alloc(5 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  writeFileSync(join(src, 'big.bin'), big);
  const r = await putFile(root, join(src, 'big.bin'));
  assert.equal(r.hash, sha(big));
  assert.equal(r.size, big.length);
  assert.deepEqual(await hashFile(join(src, 'big.bin')), r);
  assert.ok(readFileSync(blobPath(root, r.hash)).equals(big));
  const dir = join(root, 'blobs', 'sha256', r.hash.slice(0, 2));
  assert.deepEqual(readdirSync(dir), [r.hash.slice(2)]);
});

test('blobPath refuses anything but a sha256 hex digest; either case names the same blob', () => {
  assert.throws(() => blobPath('/r', '../../etc/passwd'));
  assert.throws(() => blobPath('/r', 'a'.repeat(63)));
  assert.throws(() => blobPath('/r', 'g'.repeat(64)));
  assert.equal(blobPath('/r', 'ABCDEF'.padEnd(64, '0')), blobPath('/r', 'abcdef'.padEnd(64, '0')));
});

test('putFile of a missing file rejects', async () => {
  await assert.rejects(putFile(tmp(), '/nonexistent/file.txt'));
});
