// The tail of a run's output log (files/output.log), read incrementally. Pure: no editor API.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { runFilesDir } from './paths';

/** Bytes of output shown at most when a panel opens. */
export const OUTPUT_TAIL_BYTES = 256 * 1024;

export interface OutputChunk {
  text: string;
  /** The text replaces what was shown (first read, or the log was rewritten). */
  reset: boolean;
  /** Earlier output was left out. */
  truncated: boolean;
  exists: boolean;
}

export class OutputTail {
  private offset = -1;
  // Keeps a character split across two reads whole.
  private decoder = new StringDecoder('utf8');

  constructor(
    private readonly root: string,
    private readonly runId: string,
  ) {}

  get path(): string {
    return join(runFilesDir(this.root, this.runId), 'output.log');
  }

  /** What is new since the last read (the whole tail on the first); undefined if nothing. */
  read(): OutputChunk | undefined {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      if (this.offset === -2) return undefined;
      this.offset = -2;
      return { text: '', reset: true, truncated: false, exists: false };
    }
    if (size === this.offset) return undefined;
    let reset = this.offset < 0 || size < this.offset;
    let start = reset ? Math.max(0, size - OUTPUT_TAIL_BYTES) : this.offset;
    if (size - start > 4 * OUTPUT_TAIL_BYTES) {
      // Far behind (a burst of output): show the tail instead of everything.
      start = size - OUTPUT_TAIL_BYTES;
      reset = true;
    }
    const buf = Buffer.alloc(size - start);
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    if (reset) this.decoder = new StringDecoder('utf8');
    let text = this.decoder.write(buf);
    // A tail starting mid-line (or mid-character) drops that partial first line.
    if (reset && start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, reset, truncated: reset && start > 0, exists: true };
  }

  /** Start over (the webview was reloaded). */
  restart(): void {
    this.offset = -1;
  }
}
