// The index as the worker thread holds it: one connection, opened on first use; ingest passes
// scheduled here (a hint from the editor's file watcher, a poll for file systems without
// events, an edit), each yielding between runs so requests are answered during a long one.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { type IngestReport, ingestRun, ingestSteps } from '../core/ingest';
import { registryFingerprint, syncModels } from '../core/models/modelSync';
import { indexPath, runsDir } from '../core/paths';
import { listRuns } from '../core/runQueries';
import type { EngineDriver } from '../core/sqlite/engine';
import { type Store, openIndex } from '../core/store';
import type { IngestNotice, JobProgress } from '../protocol/indexWorker';

export interface Job {
  signal?: AbortSignal;
  progress?: (p: JobProgress) => void;
}

export interface IndexEvents {
  ingested(notice: IngestNotice): void;
  /** A pass with new events is under way (how far), or ended (undefined). */
  reading(progress: JobProgress | undefined): void;
  models(): void;
  log(text: string): void;
}

const POLL_MS = 1000;
const MODELS_POLL_MS = 2000;
const COALESCE_MS = 100;
const MAX_REPORTED_BAD = 20;
/** During a long pass, runs read so far are told this often, so they show while the rest is read. */
const TELL_EVERY_MS = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class IndexState {
  private current: Store | undefined;
  private pass: Promise<IngestReport | undefined> | undefined;
  /** Bumped by a rebuild: a pass over the old connection stops at its next turn. */
  private generation = 0;
  private soon: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private lastRunsMtime = -1;
  private lastModelsSync = 0;
  private modelsSeen = '';

  constructor(
    readonly root: string,
    readonly driver: EngineDriver,
    private readonly events: IndexEvents,
    /** An index opened already, read only on request (no polling): for tests and benchmarks. */
    open?: Store,
  ) {
    this.current = open;
  }

  /** The open index; the first call opens it and starts reading every run in the background. */
  store(): Store {
    if (!this.current) {
      mkdirSync(this.root, { recursive: true });
      this.current = openIndex(this.root, indexPath(this.root), { driver: this.driver });
      this.poll ??= setInterval(() => this.onPoll(), POLL_MS);
      this.ingestSoon(0);
    }
    return this.current;
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** New events of one run, read now (after an edit, a start or an end). */
  ingestRun(id: string): IngestNotice {
    const report = ingestRun(this.store(), id);
    return this.tell(report);
  }

  /** Runs changed by a request (an edit): listeners hear of it as of an ingest. */
  changed(ids: string[]): void {
    this.events.ingested({ changed: ids, removed: [], badTotal: 0, bad: [] });
  }

  /** A line for the editor's Trackside output channel. */
  log(text: string): void {
    this.events.log(text);
  }

  /** A whole pass soon, bursts of hints coalesced. */
  ingestSoon(delay = COALESCE_MS): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.ingestAll().catch((e) => this.events.log(`ingest failed: ${message(e)}`));
    }, delay);
  }

  /** Every run folder's new events, one run per turn of the event loop; one pass at a time. */
  async ingestAll(job: Job = {}): Promise<IngestNotice> {
    while (this.pass) await this.pass.catch(() => undefined);
    const run = this.runPass(job);
    this.pass = run;
    try {
      const report = await run;
      return report ? this.tell(report) : emptyNotice();
    } finally {
      this.pass = undefined;
    }
  }

  private async runPass(job: Job): Promise<IngestReport | undefined> {
    const store = this.store();
    const generation = this.generation;
    const steps = ingestSteps(store);
    let told = 0;
    let lastTold = Date.now();
    let reading = false;
    try {
      for (;;) {
        const r = steps.next();
        if (r.done) {
          this.syncModels(store, true);
          // Runs already told are not told again.
          return { ...r.value, runsChanged: r.value.runsChanged.slice(told) };
        }
        const p = { done: r.value.done, total: r.value.total, message: `${r.value.done.toLocaleString()} of ${r.value.total.toLocaleString()} run folders` };
        job.progress?.(p);
        if (Date.now() - lastTold >= TELL_EVERY_MS) {
          lastTold = Date.now();
          reading = true;
          this.events.reading(p);
          const fresh = r.value.changed.slice(told);
          told += fresh.length;
          if (fresh.length) this.events.ingested({ changed: fresh, removed: [], badTotal: 0, bad: [] });
        }
        await nextTurn();
        if (generation !== this.generation) return undefined;
        job.signal?.throwIfAborted();
      }
    } finally {
      if (reading) this.events.reading(undefined);
    }
  }

  /**
   * Deletes the index and reads every run folder into a new one. Cancelled, it leaves the
   * runs read so far; later passes read the rest.
   */
  async rebuild(job: Job = {}): Promise<IngestNotice> {
    this.generation++;
    if (this.pass) await this.pass.catch(() => undefined);
    this.current?.close();
    this.current = undefined;
    const file = indexPath(this.root);
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
    this.lastRunsMtime = -1;
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
    const notice = await this.ingestAll(job);
    const all = { ...notice, all: true };
    this.events.ingested(all);
    return all;
  }

  /** Registry files read into the index; tells listeners when anything changed. */
  syncModels(store: Store = this.store(), force = false): void {
    const now = Date.now();
    if (!force && now - this.lastModelsSync < MODELS_POLL_MS) return;
    this.lastModelsSync = now;
    const report = syncModels(store);
    for (const b of report.bad.slice(0, 5)) this.events.log(`skipped ${b.file}:${b.line}: ${b.message}`);
    const seen = registryFingerprint(store);
    if (report.changed.length || seen !== this.modelsSeen) this.events.models();
    this.modelsSeen = seen;
  }

  private onPoll(): void {
    if (!this.current || this.pass) return;
    try {
      // A new run folder changes the runs folder's mtime; running runs are read again.
      let mtime = 0;
      try {
        mtime = statSync(runsDir(this.root)).mtimeMs;
      } catch {
        // no runs folder yet
      }
      if (mtime !== this.lastRunsMtime) {
        this.lastRunsMtime = mtime;
        this.ingestSoon(0);
        return;
      }
      for (const r of listRuns(this.current, { status: 'running', limit: 10_000 })) this.ingestRun(r.id);
      this.syncModels(this.current);
    } catch (e) {
      this.events.log(`polling the runs folder failed: ${message(e)}`);
    }
  }

  private tell(report: IngestReport): IngestNotice {
    const notice: IngestNotice = {
      changed: report.runsChanged,
      removed: report.runsRemoved,
      badTotal: report.badTotal,
      bad: report.bad.slice(0, MAX_REPORTED_BAD).map((b) => ({ file: b.file, line: b.line, message: b.message })),
    };
    if (notice.changed.length || notice.removed.length || notice.badTotal) this.events.ingested(notice);
    return notice;
  }

  close(): void {
    this.generation++;
    if (this.poll) clearInterval(this.poll);
    if (this.soon) clearTimeout(this.soon);
    this.current?.close();
    this.current = undefined;
  }
}

function emptyNotice(): IngestNotice {
  return { changed: [], removed: [], badTotal: 0, bad: [] };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
