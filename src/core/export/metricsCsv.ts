// One run's metric points as CSV: key,step,value,time,epoch (time in ISO 8601 UTC, NaN and
// infinities spelled out, epoch empty when none was logged). Written in large chunks straight
// from the points table, key by key in step order, so a million points never sit in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { type Store, runRid } from '../store';

export interface MetricsCsvOptions {
  /** Include the sys/ (hardware) series (default false). */
  includeSys?: boolean;
  /** Only these keys. */
  keys?: readonly string[];
}

const HEADER = 'key,step,value,time,epoch\r\n';
const CHUNK = 1 << 20;

function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function num(v: number | null): string {
  return v === null ? 'NaN' : String(v);
}

/**
 * Writes the CSV to `write` in chunks of about 1 MB; returns the number of points written.
 * An unknown run gets the header only.
 */
export function writeMetricsCsv(store: Store, runId: string, write: (chunk: string) => void, opts: MetricsCsvOptions = {}): number {
  const rid = runRid(store, runId);
  write(HEADER);
  if (rid === undefined) return 0;
  const keys = store
    .stmt('SELECT k.kid, k.key FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = ? ORDER BY k.key')
    .all(rid) as { kid: number; key: string }[];
  const wanted = opts.keys ? new Set(opts.keys) : undefined;
  const rows = store.stmt('SELECT step, value, t, epoch FROM points WHERE rid = ? AND kid = ? ORDER BY step').raw(true);
  let buf = '';
  let n = 0;
  // Points logged within the same second share the date and time up to the second.
  let second = Number.NaN;
  let secondText = '';
  for (const { kid, key } of keys) {
    if (wanted ? !wanted.has(key) : !opts.includeSys && key.startsWith('sys/')) continue;
    const prefix = `${csvText(key)},`;
    for (const row of rows.iterate(rid, kid) as IterableIterator<[number, number | null, number | null, number | null]>) {
      const t = row[2];
      let time = '';
      if (t !== null) {
        const s = Math.floor(t / 1000);
        if (s !== second) {
          second = s;
          secondText = new Date(s * 1000).toISOString().slice(0, 19);
        }
        time = `${secondText}.${String(Math.floor(t) - s * 1000).padStart(3, '0')}Z`;
      }
      buf += `${prefix}${row[0]},${num(row[1])},${time},${row[3] === null ? '' : row[3]}\r\n`;
      n++;
      if (buf.length >= CHUNK) {
        write(buf);
        buf = '';
      }
    }
  }
  if (buf) write(buf);
  return n;
}

/** Writes the CSV to a file; returns the number of points. */
export function exportMetricsCsv(store: Store, runId: string, file: string, opts: MetricsCsvOptions = {}): number {
  const fd = openSync(file, 'w');
  try {
    return writeMetricsCsv(store, runId, (chunk) => writeSync(fd, chunk), opts);
  } finally {
    closeSync(fd);
  }
}
