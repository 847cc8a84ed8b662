// Content-addressed blob store: <root>/blobs/sha256/<2 hex>/<62 hex>, root being the
// .trackside folder. The Python client writes the same layout, so either side may have
// stored a blob first. Blobs are written once (temp file + rename) and never modified.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export interface StoredBlob {
  /** SHA-256 hex of the stored content. */
  hash: string;
  size: number;
}

const HASH_RE = /^[0-9a-f]{64}$/;
/** Up to this size a file is read whole; larger ones are streamed. */
const SMALL_FILE = 1024 * 1024;

export function isBlobHash(hash: string): boolean {
  return HASH_RE.test(hash);
}

/** Where a blob lives, for a hash as events may spell it (either case). Throws on anything
 * but 64 hex digits, so a hash read from an event can never point outside the store. */
export function blobPath(root: string, hash: string): string {
  const h = hash.toLowerCase();
  if (!isBlobHash(h)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(hash)}`);
  return join(root, 'blobs', 'sha256', h.slice(0, 2), h.slice(2));
}

export async function hasBlob(root: string, hash: string): Promise<boolean> {
  try {
    await access(blobPath(root, hash));
    return true;
  } catch {
    return false;
  }
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(path: string): Promise<StoredBlob> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { hash: h.digest('hex'), size };
}

/** The same, read in 1 MiB blocks without leaving the thread (for callers that are synchronous). */
export function hashFileSync(path: string): StoredBlob {
  const fd = openSync(path, 'r');
  try {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
    return { hash: h.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

export function hashBytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function putBytes(root: string, data: Uint8Array | string): Promise<StoredBlob> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return putHashed(root, buf, hashBytes(buf));
}

/** Stores bytes whose hash is already known (written once). */
export async function putHashed(root: string, buf: Uint8Array, hash: string): Promise<StoredBlob> {
  if (!(await hasBlob(root, hash))) await writeBeside(blobPath(root, hash), (tmp) => writeFile(tmp, buf));
  return { hash, size: buf.length };
}

/** Writes `final` through a temp file beside it and a rename: no reader ever sees half of it. */
export async function writeBeside(final: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = await tempBeside(final);
  try {
    await write(tmp);
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Stores a file. Hashes first and copies only when the blob is missing, so an unchanged
 * file costs one read. The copy is hashed again: if the file changed in between, the blob
 * is named after what was actually copied, and that hash is returned.
 */
export async function putFile(root: string, path: string, known?: StoredBlob): Promise<StoredBlob> {
  if (!known) {
    // Small files (most source files): one read serves both the hash and the copy.
    const { size } = await stat(path);
    if (size <= SMALL_FILE) {
      const buf = await readFile(path);
      return putHashed(root, buf, hashBytes(buf));
    }
  }
  const first = known ?? (await hashFile(path));
  if (await hasBlob(root, first.hash)) return first;
  const tmp = await tempBeside(blobPath(root, first.hash));
  try {
    const h = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        h.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(createReadStream(path), tap, createWriteStream(tmp, { flags: 'wx' }));
    const hash = h.digest('hex');
    const final = blobPath(root, hash);
    if (hash !== first.hash) await mkdir(join(final, '..'), { recursive: true });
    await rename(tmp, final);
    return { hash, size };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function tempBeside(final: string): Promise<string> {
  const dir = join(final, '..');
  await mkdir(dir, { recursive: true });
  return join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}
