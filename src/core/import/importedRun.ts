// Writes one imported run as a normal run folder. The events go to a hidden temporary folder
// that is renamed into place when complete, so a cancelled or failed import leaves nothing
// half-written for ingest to pick up. The run's id comes from its start time and its origin,
// and its first event records the origin: importing the same source again finds that run.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamValue, RunStatus } from '../events';
import { eventsPath, runDir, runsDir } from '../paths';
import type { ImportFormat } from './importTypes';

export interface ImportOrigin {
  format: ImportFormat;
  /** Stable key of what was imported (e.g. "mlflow:<run uuid>"). */
  origin: string;
  /** Where it was read from, for display. */
  path: string;
}

export interface ImportedRunStart {
  t: number;
  name?: string | null;
  experiment?: string | null;
  params?: Record<string, ParamValue>;
  tags?: string[];
  note?: string | null;
  script?: string | null;
  git?: { commit?: string; branch?: string };
  /** Id of the run this one is nested under (MLflow's parent run). */
  parent?: string | null;
  import: ImportOrigin;
}

/** `.import-<pid>-<random>`: hidden from ingest, and names the process that writes it. */
export function stagingName(): string {
  return `.import-${process.pid}-${randomBytes(6).toString('hex')}`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** YYYYMMDD-HHMMSS (UTC) of the start, then 6 hex of the origin's hash (shifted on a clash). */
export function importRunId(startMs: number, origin: string, attempt = 0): string {
  const d = new Date(Number.isFinite(startMs) ? startMs : 0);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const hex = createHash('sha256').update(origin).digest('hex');
  return `${stamp}-${hex.slice(attempt * 6, attempt * 6 + 6)}`;
}

/** The import origin a run folder's log starts with, if it was imported. */
export function recordedOrigin(root: string, id: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(eventsPath(runDir(root, id)), 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    for (const line of buf.subarray(0, n).toString('utf8').split('\n').slice(0, 4)) {
      try {
        const e = JSON.parse(line) as { type?: string; import?: { origin?: unknown } };
        if (e.type === 'run' && typeof e.import?.origin === 'string') return e.import.origin;
      } catch {
        // not this line
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The id to import an origin under, and whether it is already there. */
export function importSlot(root: string, startMs: number, origin: string): { id: string; present: boolean } {
  for (let attempt = 0; attempt < 10; attempt++) {
    const id = importRunId(startMs, origin, attempt);
    if (!existsSync(runDir(root, id))) return { id, present: false };
    if (recordedOrigin(root, id) === origin) return { id, present: true };
  }
  throw new Error(`No free run id for ${origin}`);
}

/** Metric values as the client writes them: NaN and ±Infinity as strings. */
export function metricJson(v: number): string {
  return v - v === 0 ? String(v) : `"${String(v)}"`;
}

const FLUSH_AT = 1 << 20;

/** Event lines of one run, buffered and written in large pieces. */
export abstract class RunLines {
  private buf = '';
  points = 0;
  /** Event lines written (an update that writes none leaves the run as it was). */
  lines = 0;

  constructor(readonly id: string) {}

  event(e: object): void {
    this.raw(JSON.stringify(e) + '\n');
  }

  /**
   * One metrics line of the first `n` keys and values. `quoted` are the keys as JSON strings
   * (quote each key once, not once per line).
   */
  metrics(t: number, step: number, quoted: readonly string[], values: readonly number[], n = quoted.length): void {
    let body = '';
    for (let i = 0; i < n; i++) body += `${i ? ',' : ''}${quoted[i]}:${metricJson(values[i])}`;
    this.raw(`{"t":${t},"type":"metrics","step":${step},"values":{${body}}}\n`);
    this.points += n;
  }

  status(t: number, status: RunStatus, error?: string): void {
    this.event(error ? { t, type: 'status', status, exit_code: null, error } : { t, type: 'status', status, exit_code: null });
  }

  private raw(s: string): void {
    this.lines++;
    this.buf += s;
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  protected flush(): void {
    if (this.buf) this.write(this.buf);
    this.buf = '';
  }

  protected abstract write(s: string): void;
}

export class ImportedRunWriter extends RunLines {
  private readonly tmp: string;
  private readonly fd: number;
  private done = false;

  constructor(
    private readonly root: string,
    id: string,
    start: ImportedRunStart,
  ) {
    super(id);
    mkdirSync(runsDir(root), { recursive: true });
    // A leading dot is not a valid run id: ingest and readers pass the folder by until it is
    // renamed. The pid lets a later import tell a folder left by a killed import (see stagingCleanup.ts).
    this.tmp = join(runsDir(root), stagingName());
    mkdirSync(join(this.tmp, 'files'), { recursive: true });
    this.fd = openSync(join(this.tmp, 'events.jsonl'), 'w');
    writeFileSync(join(this.tmp, 'meta.json'), JSON.stringify({ version: 1, id, created: start.t }) + '\n');
    const run: Record<string, unknown> = { t: start.t, type: 'run' };
    for (const k of ['name', 'experiment', 'note', 'script', 'parent'] as const) if (start[k] !== undefined && start[k] !== null) run[k] = start[k];
    if (start.git && (start.git.commit || start.git.branch)) run.git = start.git;
    if (start.params && Object.keys(start.params).length) run.params = start.params;
    if (start.tags?.length) run.tags = start.tags;
    run.source = 'import';
    run.import = start.import;
    this.event(run);
  }

  protected write(s: string): void {
    writeSync(this.fd, s);
  }

  /** Size of the events file once finished (for the import state). */
  eventsSize = 0;

  /** Folder for run-local files (written before finish()). */
  get filesDir(): string {
    return join(this.tmp, 'files');
  }

  /** Moves the run into place. False when a run with this id appeared meanwhile (nothing written). */
  finish(beforeRename?: () => void): boolean {
    this.flush();
    this.eventsSize = fstatSync(this.fd).size;
    closeSync(this.fd);
    this.done = true;
    try {
      beforeRename?.();
      renameSync(this.tmp, runDir(this.root, this.id));
      return true;
    } catch (e) {
      rmSync(this.tmp, { recursive: true, force: true });
      if (['EEXIST', 'ENOTEMPTY', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '')) return false;
      throw e;
    }
  }

  abort(): void {
    if (!this.done) closeSync(this.fd);
    this.done = true;
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
