// Appending to a JSON-lines log that other processes append to as well.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Appends one JSON line with a single O_APPEND write. If the log ends in a torn line (a
 * writer died mid-line), a "\n" is written first so that fragment stays one bad line and
 * this one stays whole.
 */
export function appendJsonLine(file: string, value: object): void {
  const fd = openSync(file, 'a+');
  try {
    let prefix = '';
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    writeSync(fd, `${prefix}${JSON.stringify(value)}\n`);
  } finally {
    closeSync(fd);
  }
}
