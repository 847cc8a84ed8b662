// Follows one trial's run folder from where it was last read: the metric's values by step
// (for the median pruner and the trial's result) and the run's final status. It reads only
// complete lines it needs (metrics and status), in bounded pieces, so the extension host's
// thread carries no event reader of its own (the index worker's ingest reads the rest).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ENDED_STATUSES, type RunStatus } from '../events';
import { eventsPath } from '../paths';

export interface TrialProgress {
  /** New (step, value) points of the metric since the last read, in log order. */
  points: { step: number; value: number }[];
  /** The last finite value of the metric so far. */
  last: number | undefined;
  /** Set once the run has a final status (the latest one logged). */
  ended: RunStatus | undefined;
  error?: string;
}

const CHUNK = 1024 * 1024;
/** Metrics and status lines are short; a longer line (a code listing) is passed over. */
const MAX_LINE = 1024 * 1024;
const NL = 0x0a;

export class TrialWatch {
  private offset = 0;
  private carry: Buffer = Buffer.alloc(0);
  private skipping = false;
  private last: number | undefined;
  private ended: RunStatus | undefined;
  private error: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly metric: string | undefined,
  ) {}

  read(): TrialProgress {
    const points: TrialProgress['points'] = [];
    let fd: number;
    try {
      fd = openSync(eventsPath(this.dir), 'r');
    } catch {
      return this.progress(points); // not there yet
    }
    try {
      const size = fstatSync(fd).size;
      while (this.offset < size) {
        const buf = Buffer.alloc(Math.min(CHUNK, size - this.offset));
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        this.take(buf.subarray(0, n), points);
      }
    } finally {
      closeSync(fd);
    }
    return this.progress(points);
  }

  private progress(points: TrialProgress['points']): TrialProgress {
    return { points, last: this.last, ended: this.ended, ...(this.error ? { error: this.error } : {}) };
  }

  private take(data: Buffer, points: TrialProgress['points']): void {
    let start = 0;
    for (let i = data.indexOf(NL); i >= 0; i = data.indexOf(NL, start)) {
      const piece = data.subarray(start, i);
      start = i + 1;
      if (this.skipping) {
        this.skipping = false;
        this.carry = Buffer.alloc(0);
        continue;
      }
      const line = this.carry.length ? Buffer.concat([this.carry, piece]) : piece;
      this.carry = Buffer.alloc(0);
      this.line(line, points);
    }
    // A torn last line waits for its end; one too long to matter is skipped to its end.
    if (!this.skipping) this.carry = Buffer.concat([this.carry, data.subarray(start)]);
    if (this.carry.length > MAX_LINE) {
      this.carry = Buffer.alloc(0);
      this.skipping = true;
    }
  }

  private line(bytes: Buffer, points: TrialProgress['points']): void {
    // Cheap test first: most lines are neither.
    const head = bytes.subarray(0, 64).toString('latin1');
    if (!head.includes('"metrics"') && !head.includes('"status"')) return;
    let e: { type?: unknown; step?: unknown; values?: Record<string, unknown>; status?: unknown; error?: unknown };
    try {
      e = JSON.parse(bytes.toString('utf8')) as typeof e;
    } catch {
      return; // a malformed line: ingestion reports it; the trial goes on
    }
    if (e.type === 'metrics' && this.metric !== undefined && typeof e.step === 'number') {
      const v = e.values?.[this.metric];
      if (typeof v === 'number' && Number.isFinite(v)) {
        points.push({ step: e.step, value: v });
        this.last = v;
      }
    } else if (e.type === 'status' && typeof e.status === 'string' && ENDED_STATUSES.has(e.status)) {
      // The last status wins (the runner's own follows the client's; `pruned` follows `stopped`).
      this.ended = e.status as RunStatus;
      this.error = typeof e.error === 'string' ? e.error : undefined;
    }
  }
}
