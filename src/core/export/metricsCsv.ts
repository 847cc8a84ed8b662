// One run's metric points as CSV: key,step,value,time,epoch (time in ISO 8601 UTC, NaN and
// infinities spelled out, epoch empty when none was logged), key by key in step order (values at one step in logged order), a page
// at a time, so a million points never sit in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { type Store, runRid } from '../store';

export interface MetricsCsvOptions {
  /** Include the sys/ (hardware) series (default false). */
  includeSys?: boolean;
  /** Only these keys. */
  keys?: readonly string[];
}

const HEADER = 'key,step,value,time,epoch\r\n';
const PAGE = 16384;

function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes the CSV to `write` in chunks (a page of rows each); returns the number of points written.
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
  // Pages in step order, fetched column by column: arrays of plain values, not an array per
  // row, so a million points make little garbage. One read transaction per page keeps the four
  // columns of a page consistent while a live run is being ingested.
  // Pages continue after the last (step, seq) read: several values at one step never straddle
  // a page boundary unread.
  const column = (c: string) =>
    store.stmt(`SELECT ${c} FROM points WHERE rid = ? AND kid = ? AND (step, seq) > (?, ?) ORDER BY step, seq LIMIT ${PAGE}`).pluck();
  const [stepCol, seqCol, valueCol, tCol, epochCol] = [column('step'), column('seq'), column('value'), column('t'), column('epoch')];
  type Page = [number[], number[], (number | null)[], (number | null)[], (number | null)[]];
  const readPage = (kid: number, after: number, afterSeq: number): Page => [
    stepCol.all(rid, kid, after, afterSeq) as number[],
    seqCol.all(rid, kid, after, afterSeq) as number[],
    valueCol.all(rid, kid, after, afterSeq) as (number | null)[],
    tCol.all(rid, kid, after, afterSeq) as (number | null)[],
    epochCol.all(rid, kid, after, afterSeq) as (number | null)[],
  ];
  let n = 0;
  // Points logged within the same second share the date and time up to the second.
  let second = Number.NaN;
  let secondText = '';
  for (const { kid, key } of keys) {
    if (wanted ? !wanted.has(key) : !opts.includeSys && key.startsWith('sys/')) continue;
    const prefix = `${csvText(key)},`;
    for (let after = -Infinity, afterSeq = 0; ; ) {
      const [steps, seqs, values, times, epochs] = store.transaction(() => readPage(kid, after, afterSeq));
      const lines: string[] = new Array(steps.length);
      for (let i = 0; i < steps.length; i++) {
        const t = times[i];
        const v = values[i];
        const epoch = epochs[i];
        const tail = epoch === null ? '\r\n' : `${epoch}\r\n`;
        if (t === null) {
          lines[i] = `${prefix}${steps[i]},${v === null ? 'NaN' : v},,${tail}`;
          continue;
        }
        const sec = Math.floor(t / 1000);
        if (sec !== second) {
          second = sec;
          secondText = `${new Date(sec * 1000).toISOString().slice(0, 19)}.`;
        }
        const ms = Math.floor(t) - sec * 1000;
        lines[i] = `${prefix}${steps[i]},${v === null ? 'NaN' : v},${secondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z,${tail}`;
      }
      n += steps.length;
      if (steps.length) write(lines.join(''));
      if (steps.length < PAGE) break;
      after = steps[steps.length - 1];
      afterSeq = seqs[seqs.length - 1];
    }
  }
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
