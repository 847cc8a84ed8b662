// Incremental reader of events.jsonl: from a saved byte offset, in bounded chunks, leaving a
// torn last line (no "\n" yet) for the next read. Memory stays bounded whatever the file holds:
// a line longer than the limit is reported as bad and streamed past, never held.
import { closeSync, fstatSync } from 'node:fs';
import { parseEventLine, type ParsedEvent } from './eventParse';
import { MAX_LINE_BYTES, openRegularFile, readFileRange } from './regularFile';

/**
 * Where reading stopped: a byte offset just after a "\n" (or inside a line already reported
 * as too long, whose rest is skipped), and how many lines lie before it.
 */
export interface ReadPosition {
  offset: number;
  line: number;
}

export interface BadLine {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface EventChunk {
  events: ParsedEvent[];
  /** 1-based line number of each event, parallel to `events`. */
  lines: number[];
  bad: BadLine[];
  start: ReadPosition;
  end: ReadPosition;
}

export interface ReadOptions {
  /** Bytes read at a time (one chunk each). */
  chunkBytes?: number;
  /** Longest line read, in bytes without its "\n" (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

export const START: ReadPosition = Object.freeze({ offset: 0, line: 0 });


const DEFAULT_CHUNK = 4 * 1024 * 1024;
const NL = 0x0a;

function tooLong(maxLine: number): string {
  const mb = maxLine / (1024 * 1024);
  return `line longer than ${Number.isInteger(mb) ? `${mb} MB` : `${maxLine} bytes`}, skipped`;
}

/**
 * Yields the complete lines after `from`, parsed, one chunk (about `chunkBytes`) at a time,
 * so a 1 GB log is never held in memory. Reads up to the size the file had when reading
 * began. A missing file yields nothing; anything but a regular file throws
 * UnreadableFileError (naming the file), as do read errors.
 */
export function* readEventChunks(file: string, from: ReadPosition = START, opts: ReadOptions = {}): Generator<EventChunk> {
  const fd = openRegularFile(file);
  if (fd === undefined) return;
  try {
    const size = fstatSync(fd).size;
    const maxLine = Math.max(1, opts.maxLineBytes ?? MAX_LINE_BYTES);
    let buf: Buffer = Buffer.allocUnsafe(Math.max(16, opts.chunkBytes ?? DEFAULT_CHUNK));
    let pos: ReadPosition = { offset: from.offset, line: from.line };
    let given: ReadPosition = pos; // end of the last chunk yielded
    let filePos = from.offset; // next byte to read
    let held = 0; // bytes of an unfinished line kept at the front of buf
    let pending: BadLine[] = []; // too-long lines not yet yielded
    // Not just after a "\n": inside a too-long line an earlier read reported; skip its rest.
    let skipping = from.offset > 0 && from.offset <= size && byteAt(file, fd, from.offset - 1) !== NL;
    while (filePos < size) {
      if (held === buf.length) buf = grown(buf, held, maxLine);
      const n = readFileRange(file, fd, buf, held, Math.min(buf.length - held, size - filePos), filePos);
      if (n <= 0) break;
      filePos += n;
      let filled = held + n;
      held = 0;
      if (skipping) {
        const nl = buf.subarray(0, filled).indexOf(NL);
        if (nl < 0) {
          pos = { offset: filePos, line: pos.line };
          continue;
        }
        skipping = false;
        pos = { offset: filePos - filled + nl + 1, line: pos.line };
        buf.copy(buf, 0, nl + 1, filled);
        filled -= nl + 1;
      }
      const lastNl = filled > 0 ? buf.lastIndexOf(NL, filled - 1) : -1;
      if (lastNl >= 0) {
        const long = lastNl + 1 > maxLine ? longLines(buf, lastNl + 1, pos.line, maxLine) : undefined;
        const chunk = parseLines(file, buf.toString('utf8', 0, lastNl + 1), pos, long, maxLine);
        pos = { offset: pos.offset + lastNl + 1, line: chunk.end.line };
        chunk.bad = pending.length ? [...pending, ...chunk.bad] : chunk.bad;
        chunk.start = given;
        chunk.end = pos;
        pending = [];
        given = pos;
        held = filled - (lastNl + 1);
        buf.copy(buf, 0, lastNl + 1, filled);
        yield chunk;
      } else held = filled;
      if (held > maxLine) {
        // Too long to be an event, finished or not: report it now and stream past the rest.
        pending.push({ file, line: pos.line + 1, message: tooLong(maxLine) });
        pos = { offset: filePos, line: pos.line + 1 };
        held = 0;
        skipping = true;
      }
    }
    if (pos.offset !== given.offset) yield { events: [], lines: [], bad: pending, start: given, end: pos };
  } finally {
    closeSync(fd);
  }
}

function byteAt(file: string, fd: number, offset: number): number {
  const one = Buffer.alloc(1);
  readFileRange(file, fd, one, 0, 1, offset);
  return one[0];
}

/** A bigger buffer for a line longer than the current one, never beyond the line limit. */
function grown(buf: Buffer, held: number, maxLine: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(held + 1, Math.min(buf.length * 2, maxLine + 1)));
  buf.copy(bigger, 0, 0, held);
  return bigger;
}

/** Numbers of the lines in buf[0, end) longer than maxLine bytes (only a span longer than that can hold one). */
function longLines(buf: Buffer, end: number, lineBefore: number, maxLine: number): Set<number> | undefined {
  let found: Set<number> | undefined;
  let line = lineBefore;
  for (let from = 0; from < end; ) {
    const nl = buf.indexOf(NL, from);
    line++;
    if (nl - from > maxLine) (found ??= new Set()).add(line);
    from = nl + 1;
  }
  return found;
}

/** Reads everything complete after `from` into one chunk (small files, tests). */
export function readEvents(file: string, from: ReadPosition = START, opts: ReadOptions = {}): EventChunk {
  const all: EventChunk = { events: [], lines: [], bad: [], start: from, end: from };
  for (const c of readEventChunks(file, from, opts)) {
    for (let i = 0; i < c.events.length; i++) {
      all.events.push(c.events[i]);
      all.lines.push(c.lines[i]);
    }
    for (const b of c.bad) all.bad.push(b);
    all.end = c.end;
  }
  return all;
}

function parseLines(file: string, text: string, start: ReadPosition, long: Set<number> | undefined, maxLine: number): EventChunk {
  const events: ParsedEvent[] = [];
  const lines: number[] = [];
  const bad: BadLine[] = [];
  let line = start.line;
  let from = 0;
  // A UTF-8 byte order mark at the very start is not part of the first line.
  if (start.offset === 0 && text.charCodeAt(0) === 0xfeff) from = 1;
  for (;;) {
    const nl = text.indexOf('\n', from);
    if (nl < 0) break;
    line++;
    const raw = text.slice(from, nl);
    from = nl + 1;
    if (raw.length === 0 || (raw.charCodeAt(0) <= 32 && raw.trim() === '')) continue;
    if (long?.has(line)) {
      bad.push({ file, line, message: tooLong(maxLine) });
      continue;
    }
    const parsed = parseEventLine(raw);
    if (typeof parsed === 'string') bad.push({ file, line, message: parsed });
    else {
      events.push(parsed);
      lines.push(line);
    }
  }
  return { events, lines, bad, start, end: { offset: start.offset, line } };
}
