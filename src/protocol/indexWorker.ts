// Messages between the extension host and the index worker (the thread that owns the SQLite
// index). Requests carry an id and get exactly one answer, a result or an error; long jobs
// report progress on the way and can be cancelled.
import type { EngineAttempt } from '../core/sqlite/loadEngine';

export interface WorkerData {
  /** The `.trackside` folder. */
  root: string;
  /** auto | builtin | better-sqlite3 */
  engine: string;
}

export type ToWorker =
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'cancel'; id: number }
  /** Files under runs/ changed: read new events soon. */
  | { kind: 'changed' };

/** An error as it crosses the thread boundary: its class name, message and own fields. */
export interface WireError {
  name: string;
  message: string;
  data?: Record<string, unknown>;
}

/** How far a long job is: counts when known, and a line to show. */
export interface JobProgress {
  done?: number;
  total?: number;
  message?: string;
}

/** What one ingest pass found, for the editor to tell the user and refresh views. */
export interface IngestNotice {
  /** Every run may have changed (a rebuild). */
  all?: boolean;
  changed: string[];
  removed: string[];
  /** Malformed event lines skipped in this pass, the first few with where they are. */
  badTotal: number;
  bad: { file: string; line: number; message: string }[];
}

export interface EngineInfo {
  name: string;
  sqliteVersion: string;
  /** Engines tried before and including the one in use, with why each failed. */
  attempts: EngineAttempt[];
  node: string;
}

export type FromWorker =
  | { kind: 'ready'; engine: EngineInfo }
  /** No engine loads: every request fails with this. */
  | { kind: 'noEngine'; error: WireError; attempts: EngineAttempt[]; node: string }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'progress'; id: number; progress: JobProgress }
  | { kind: 'ingested'; notice: IngestNotice }
  /** Model registry rows changed. */
  | { kind: 'models' }
  /** A pass is reading new events (runs appear as they are read); undefined when it ends. */
  | { kind: 'reading'; progress: JobProgress | undefined }
  | { kind: 'log'; text: string };
