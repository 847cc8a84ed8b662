// Reads a tar stream (ustar, pax and GNU long names; gzip when the data starts with its magic)
// entry by entry. Contents are streamed: each entry's body must be consumed (or is skipped)
// before the next entry is read.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface TarEntry {
  path: string;
  /** '0' file, '5' folder, others as in tar. */
  type: string;
  size: number;
  mtime: number;
}

const BLOCK = 512;

/** Pulls exact byte counts out of a chunked stream. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private have = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.have < n && !this.ended) {
      const r = await this.source.next();
      if (r.done) this.ended = true;
      else {
        this.chunks.push(r.value);
        this.have += r.value.length;
      }
    }
  }

  /** Up to n bytes (fewer only at the end). */
  async take(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    return out;
  }

  /** `state.left` bytes as chunks, without gathering them; `state.left` counts down as they go. */
  async *stream(state: { left: number }): AsyncGenerator<Buffer> {
    while (state.left > 0) {
      const left = state.left;
      if (this.have === 0) await this.fill(1);
      if (this.have === 0) throw new Error('archive ends in the middle of an entry');
      const first = this.chunks[0];
      const part = first.length <= left ? first : first.subarray(0, left);
      if (part === first) this.chunks.shift();
      else this.chunks[0] = first.subarray(left);
      this.have -= part.length;
      state.left -= part.length;
      yield part;
    }
  }
}

function field(h: Buffer, start: number, len: number): string {
  const s = h.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function numeric(h: Buffer, start: number, len: number): number {
  if (h[start] & 0x80) {
    // GNU base-256 for large values.
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + h[i];
    return n;
  }
  const s = field(h, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return sum === numeric(h, 148, 8);
}

function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = parseInt(data.subarray(i, space).toString('ascii'), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export class TarFormatError extends Error {}

/** Gzip data may expand to at most this many times its size (and at least to EXPANSION_FLOOR). */
export const MAX_EXPANSION = 100;
export const EXPANSION_FLOOR = 256 * 1024 * 1024;
/** Largest single entry read. */
export const MAX_ENTRY_BYTES = 16 * 1024 ** 3;
/** pax and long-name headers are short texts. */
const MAX_HEADER_DATA = 1024 * 1024;

/** Stops a decompression bomb: a small file that expands to far more than any archive we write. */
async function* capped(chunks: AsyncIterable<Buffer>, compressed: number): AsyncGenerator<Buffer> {
  const max = Math.max(EXPANSION_FLOOR, MAX_EXPANSION * compressed);
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new TarFormatError(`expands to more than ${max} bytes from ${compressed} compressed; refused (archives are limited to ${MAX_EXPANSION} times their size)`);
    yield c;
  }
}

/** The bytes of a file, gunzipped when they are gzip data. */
function fileChunks(path: string): AsyncIterable<Buffer> {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, magic, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return magic[0] === 0x1f && magic[1] === 0x8b ? capped(raw.pipe(createGunzip()), statSync(path).size) : raw;
}

/**
 * Calls `onEntry` for each entry with a stream of its body; a body left unread is skipped.
 * Throws TarFormatError on data that is not a tar archive.
 */
export async function readTar(path: string, onEntry: (e: TarEntry, body: AsyncGenerator<Buffer>) => Promise<void>): Promise<void> {
  const q = new ByteQueue(fileChunks(path)[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let first = true;
  for (;;) {
    const h = await q.take(BLOCK);
    if (h.length < BLOCK) {
      if (first) throw new TarFormatError('not a tar archive (too short)');
      return; // ended without the closing blocks: take what was there
    }
    if (h.every((b) => b === 0)) return;
    if (!checksumOk(h)) throw new TarFormatError(first ? 'not a tar archive' : 'damaged tar header');
    first = false;
    const type = String.fromCharCode(h[156] || 0x30);
    let size = numeric(h, 124, 12);
    const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_HEADER_DATA) throw new TarFormatError(`a ${size}-byte extended header; refused`);
      const data = await q.take(padded(size));
      if (type === 'x') pax = paxRecords(data.subarray(0, size));
      if (type === 'L') longName = field(data, 0, size);
      continue;
    }
    const prefix = field(h, 345, 155);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    if (pax.size !== undefined) size = Number(pax.size);
    if (!(size >= 0 && size <= MAX_ENTRY_BYTES)) throw new TarFormatError(`entry ${name} of ${size} bytes is over the ${MAX_ENTRY_BYTES}-byte limit; refused`);
    pax = {};
    longName = undefined;
    const state = { left: size };
    await onEntry({ path: name, type, size, mtime: numeric(h, 136, 12) * 1000 }, q.stream(state));
    // Skip what the handler left unread, then the padding.
    for await (const _ of q.stream(state)) {
      // skipped
    }
    await q.take(padded(size) - size);
  }
}
