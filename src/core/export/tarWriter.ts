// A POSIX tar (ustar, with pax headers for long names and large sizes) written with node
// builtins, optionally gzip-compressed. Entries are streamed: a large file is copied through
// in chunks with back-pressure, never read whole.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

const BLOCK = 512;
const USTAR_MAX_SIZE = 0o77777777777;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, type: string, mtime: number, mode: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(Math.min(size, USTAR_MAX_SIZE), 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtime / 1000)), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A pax record: "<length> key=value\n", the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

export class TarWriter {
  private readonly file: WriteStream;
  private readonly out: Gzip | WriteStream;
  /** Bytes of entries written (before compression). */
  written = 0;

  constructor(path: string, gzip: boolean) {
    this.file = createWriteStream(path);
    if (gzip) {
      const z = createGzip();
      z.pipe(this.file);
      this.out = z;
    } else this.out = this.file;
  }

  private async put(chunk: Buffer): Promise<void> {
    this.written += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private async head(name: string, size: number, type: string, mtime: number, mode: number): Promise<void> {
    const long = Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name);
    if (long || size > USTAR_MAX_SIZE) {
      const records = (long ? paxRecord('path', name) : '') + (size > USTAR_MAX_SIZE ? paxRecord('size', String(size)) : '');
      const body = Buffer.from(records, 'utf8');
      await this.put(header(`PaxHeader/${name.replace(/[^\x20-\x7e]/g, '_').slice(-80)}`, body.length, 'x', mtime, 0o644));
      await this.put(body);
      await this.pad(body.length);
    }
    await this.put(header(long ? name.replace(/[^\x20-\x7e]/g, '_').slice(-100) : name, size, type, mtime, mode));
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await this.put(Buffer.alloc(BLOCK - rest));
  }

  async addBuffer(name: string, data: Buffer, mtime = Date.now()): Promise<void> {
    await this.head(name, data.length, '0', mtime, 0o644);
    await this.put(data);
    await this.pad(data.length);
  }

  /** Copies a file in; `size` must be its size (the entry header comes first). */
  async addFile(name: string, path: string, size: number, mtime: number, onBytes?: (n: number) => void): Promise<void> {
    await this.head(name, size, '0', mtime, 0o644);
    let copied = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const part = copied + chunk.length > size ? chunk.subarray(0, size - copied) : chunk;
      await this.put(part);
      copied += part.length;
      onBytes?.(part.length);
      if (copied === size) break;
    }
    if (copied !== size) throw new Error(`${path} changed while it was being archived`);
    await this.pad(size);
  }

  /** Ends the archive (two empty blocks) and waits until it is on disk. */
  async close(): Promise<void> {
    await this.put(Buffer.alloc(2 * BLOCK));
    this.out.end();
    await once(this.file, 'close');
  }

  /** Gives up: closes the file (the caller removes it). */
  destroy(): void {
    this.out.destroy();
    this.file.destroy();
  }
}
