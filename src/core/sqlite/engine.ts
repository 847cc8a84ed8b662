// One small interface over the two SQLite bindings Trackside runs on: Node's built-in
// `node:sqlite` and better-sqlite3. Everything above it speaks only this, so the same index
// file is read and written the same way by either.

export type EngineName = 'builtin' | 'better-sqlite3';

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/**
 * Reads of one prepared statement. Parameters are positional values, optionally preceded by
 * one object of named ones (`@name` in the SQL, `{ name }` here). A JS number binds as REAL,
 * `undefined` as NULL, in both engines.
 */
export interface Reader<Row> {
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  iterate(...params: unknown[]): IterableIterator<Row>;
}

/** Rows come back as objects keyed by column name; callers say what shape they expect. */
export interface Statement extends Reader<unknown> {
  run(...params: unknown[]): RunResult;
  /** The same statement, answering with the first column's value. */
  pluck(): Reader<unknown>;
  /** The same statement, answering rows as arrays in column order. */
  raw(): Reader<unknown[]>;
}

export interface Engine {
  readonly name: EngineName;
  /** SQLite's own version, e.g. "3.51.2". */
  readonly sqliteVersion: string;
  prepare(sql: string): Statement;
  exec(sql: string): void;
  readonly isOpen: boolean;
  close(): void;
}

export interface OpenOptions {
  /** Open for reading only; the file must exist. */
  readonly?: boolean;
}

/** An engine that loaded: opens database files. */
export interface EngineDriver {
  readonly name: EngineName;
  readonly sqliteVersion: string;
  open(file: string, opts?: OpenOptions): Engine;
}

/** SQLite's primary result code of an error from either engine (e.g. 26 for SQLITE_NOTADB), if any. */
export function sqliteCode(e: unknown): number | undefined {
  const err = e as { code?: unknown; errcode?: unknown } | null;
  if (typeof err?.errcode === 'number') return err.errcode & 0xff; // node:sqlite: the extended code
  if (typeof err?.code === 'string' && err.code.startsWith('SQLITE_')) return PRIMARY_CODES[err.code.slice(7).split('_')[0]];
  return undefined;
}

const PRIMARY_CODES: Record<string, number> = { ERROR: 1, BUSY: 5, LOCKED: 6, READONLY: 8, IOERR: 10, CORRUPT: 11, FULL: 13, CANTOPEN: 14, NOTADB: 26 };
