// Opening files found in run folders, which anyone may have put there: only regular files are
// read. A FIFO would block the open (and every command with it), a device could be endless,
// a directory or a symlink loop fails in ways that do not name the file.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** No event line is this long; a longer line is skipped as bad without being read into memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A file in a run folder that cannot be read; the message names the file and why. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

// Opening a FIFO without O_NONBLOCK waits for a writer; with it the open returns at once and
// fstat then refuses the FIFO. It changes nothing for regular files. (Windows has no such flag.)
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(st: ReturnType<typeof fstatSync>): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(err.message ?? e);
  }
}

/**
 * A descriptor of `file` opened for reading (symbolic links followed), or undefined when there
 * is no such file. Throws UnreadableFileError for anything but a regular file, or when it
 * cannot be opened.
 */
export function openRegularFile(file: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UnreadableFileError(file, reasonOf(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnreadableFileError(file, `${kindOf(st)}, not a regular file`);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e instanceof UnreadableFileError ? e : new UnreadableFileError(file, reasonOf(e));
  }
}

/** `readSync` whose errors name the file. */
export function readFileRange(file: string, fd: number, buf: Buffer, at: number, length: number, position: number): number {
  try {
    return readSync(fd, buf, at, length, position);
  } catch (e) {
    throw new UnreadableFileError(file, reasonOf(e));
  }
}

/**
 * The bytes of a small regular file, or undefined when it is missing, not a regular file,
 * unreadable or larger than `maxBytes` (for optional side files such as meta.json).
 */
export function readSmallFileBytes(file: string, maxBytes: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openRegularFile(file);
    if (fd === undefined) return undefined;
    const size = fstatSync(fd).size;
    if (size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n <= 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readSmallFileBytes as UTF-8 text. */
export function readSmallFile(file: string, maxBytes: number): string | undefined {
  return readSmallFileBytes(file, maxBytes)?.toString('utf8');
}

/** The size of a file; 0 when it is missing or cannot be read (nothing to read yet). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
