// Incremental reader of events.jsonl: from a saved byte offset, in bounded chunks, leaving a
// torn last line (no "\n" yet) for the next read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseEventLine, type ParsedEvent } from './eventParse';

/** Where reading stopped: a byte offset just after a "\n", and how many lines lie before it. */
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

export const START: ReadPosition = Object.freeze({ offset: 0, line: 0 });

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const NL = 0x0a;

/**
 * Yields the complete lines after `from`, parsed, one chunk (about `chunkBytes`) at a time,
 * so a 1 GB log is never held in memory. Reads up to the size the file had when reading
 * began. A missing file yields nothing.
 */
export function* readEventChunks(
  file: string,
  from: ReadPosition = START,
  opts: { chunkBytes?: number } = {},
): Generator<EventChunk> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    let buf = Buffer.allocUnsafe(Math.max(16, opts.chunkBytes ?? DEFAULT_CHUNK));
    let pos: ReadPosition = { offset: from.offset, line: from.line };
    let filePos = from.offset; // next byte to read
    let held = 0; // bytes of an unfinished line kept at the front of buf
    while (filePos < size) {
      if (held === buf.length) {
        // One line longer than the buffer: grow rather than split it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const n = readSync(fd, buf, held, Math.min(buf.length - held, size - filePos), filePos);
      if (n <= 0) break;
      filePos += n;
      const filled = held + n;
      const lastNl = buf.lastIndexOf(NL, filled - 1);
      if (lastNl < 0) {
        held = filled;
        continue;
      }
      const chunk = parseLines(file, buf.toString('utf8', 0, lastNl + 1), pos);
      chunk.end = { offset: pos.offset + lastNl + 1, line: chunk.end.line };
      pos = chunk.end;
      held = filled - (lastNl + 1);
      buf.copy(buf, 0, lastNl + 1, filled);
      yield chunk;
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads everything complete after `from` into one chunk (small files, tests). */
export function readEvents(file: string, from: ReadPosition = START, opts: { chunkBytes?: number } = {}): EventChunk {
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

function parseLines(file: string, text: string, start: ReadPosition): EventChunk {
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
    const parsed = parseEventLine(raw);
    if (typeof parsed === 'string') bad.push({ file, line, message: parsed });
    else {
      events.push(parsed);
      lines.push(line);
    }
  }
  return { events, lines, bad, start, end: { offset: start.offset, line } };
}
