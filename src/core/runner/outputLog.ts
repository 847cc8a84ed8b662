// files/output.log: the run's interleaved stdout and stderr, capped. When the file grows
// past the cap it is rewritten to its last half (cut at a line start when there is one),
// so the tail is always kept and the cost stays proportional to what was written.
import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';

export const DEFAULT_OUTPUT_CAP_BYTES = 10 * 1024 * 1024;

export class OutputLog {
  private fd: number;
  private size: number;
  /** Bytes dropped from the head so far. */
  dropped = 0;

  constructor(
    readonly path: string,
    readonly capBytes: number = DEFAULT_OUTPUT_CAP_BYTES,
  ) {
    if (!(capBytes >= 2)) throw new Error('output cap must be at least 2 bytes');
    this.fd = openSync(path, 'a+');
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: Uint8Array): void {
    if (this.fd < 0 || chunk.length === 0) return;
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.size += chunk.length;
    if (this.size > this.capBytes) this.rotate();
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    const keep = Math.floor(this.capBytes / 2);
    const tail = Buffer.alloc(keep);
    let got = 0;
    while (got < keep) {
      const n = readSync(this.fd, tail, got, keep - got, this.size - keep + got);
      if (n === 0) break;
      got += n;
    }
    let start = 0;
    const nl = tail.indexOf(0x0a);
    if (nl >= 0 && nl < got - 1) start = nl + 1;
    else while (start < got && (tail[start] & 0xc0) === 0x80) start++; // no UTF-8 char split
    const kept = tail.subarray(start, got);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, kept);
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+');
    this.dropped += this.size - kept.length;
    this.size = kept.length;
  }
}
