// Reads what recovery needs from a run's events.jsonl without reading all of it: the last
// `status` (scanning back from the end in chunks) and the merged `run` events near the head.
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { RunEvent, StatusEvent } from '../events';
import { MAX_LINE_BYTES, openRegularFile } from '../regularFile';
import { eventsPath } from '../paths';

// Most logs end with their status: start small, read larger pieces only when needed.
const FIRST_CHUNK = 4 * 1024;
const MAX_CHUNK = 1024 * 1024;

/** An open regular events.jsonl, else undefined (missing, unreadable, a FIFO that would block). */
function openLog(dir: string): number | undefined {
  try {
    return openRegularFile(eventsPath(dir));
  } catch {
    return undefined;
  }
}

/**
 * The last complete `status` event, or undefined when there is none. A line longer than
 * MAX_LINE_BYTES is passed over, not collected.
 */
export function readLastStatus(dir: string, maxLineBytes = MAX_LINE_BYTES): StatusEvent | undefined {
  const fd = openLog(dir);
  if (fd === undefined) return undefined;
  try {
    let end = fstatSync(fd).size;
    let carry = Buffer.alloc(0); // the partial first line of the chunk read before
    let skipping = false; // inside a line too long to collect: drop bytes up to its start
    let first = true;
    let chunk = FIRST_CHUNK;
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      chunk = Math.min(chunk * 4, MAX_CHUNK);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      let data = Buffer.concat([buf, carry]);
      if (first) {
        // A torn last line (no newline yet) is not an event yet.
        const lastNl = data.lastIndexOf(0x0a);
        data = data.subarray(0, lastNl + 1);
        first = false;
      }
      if (skipping) {
        // Inside a line too long to collect: what follows the last newline here is its start.
        const last = data.lastIndexOf(0x0a);
        end = start;
        if (last < 0) continue;
        data = data.subarray(0, last + 1);
        skipping = false;
      }
      const nl = data.indexOf(0x0a);
      if (start > 0 && nl < 0) {
        // One line longer than a chunk (a big code event): keep collecting it, up to the limit.
        skipping = data.length > maxLineBytes;
        carry = skipping ? Buffer.alloc(0) : Buffer.from(data);
        end = start;
        continue;
      }
      const cut = start === 0 ? 0 : nl + 1;
      const lines = data.subarray(cut).toString('utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const ev = parseStatus(lines[i]);
        if (ev) return ev;
      }
      carry = Buffer.from(data.subarray(0, cut));
      end = start;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** `run` events found in the first `limit` bytes, merged (later fields win, params merge). */
export function readRunHead(dir: string, limit = 256 * 1024): Partial<RunEvent> {
  const merged: Partial<RunEvent> = {};
  const fd = openLog(dir);
  if (fd === undefined) return merged;
  try {
    const buf = Buffer.alloc(limit);
    const n = readSync(fd, buf, 0, limit, 0);
    const text = buf.toString('utf8', 0, buf.lastIndexOf(0x0a, n - 1) + 1);
    for (const line of text.split('\n')) {
      if (!line.includes('"run"')) continue;
      let ev: unknown;
      try {
        ev = JSON.parse(line);
      } catch {
        continue;
      }
      if (!isObject(ev) || ev.type !== 'run') continue;
      const run = ev as unknown as RunEvent;
      const params = { ...merged.params, ...run.params };
      Object.assign(merged, run, Object.keys(params).length > 0 ? { params } : {});
    }
    return merged;
  } finally {
    closeSync(fd);
  }
}

function parseStatus(line: string): StatusEvent | undefined {
  if (!line.includes('"status"')) return undefined;
  try {
    const ev: unknown = JSON.parse(line);
    return isObject(ev) && ev.type === 'status' && typeof ev.status === 'string' ? (ev as unknown as StatusEvent) : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
