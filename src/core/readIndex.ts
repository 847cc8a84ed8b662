// The index for a command that only reads (runs, show, export): up to date whenever the run
// folders can be read, also when the .trackside folder cannot be written (a read-only mount,
// a colleague's folder, an immutable backup), where SQLite's own answer is only "unable to
// open database file". Opening the index read-only is no way out: SQLite reads a WAL database
// only with an index.db-shm beside it, which it cannot create there; so a private copy is read.
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IngestReport, ingestAll } from './ingest';
import { indexPath } from './paths';
import { sqliteCode } from './sqlite/engine';
import { type Store, openIndex } from './store';

export interface IndexForReading {
  store: Store;
  /** What was ingested to bring it up to date. */
  report: IngestReport;
  /** How it was opened: in place, or a private copy brought up to date. */
  mode: 'index' | 'copy';
}

const SQLITE_READONLY = 8;
const SQLITE_CANTOPEN = 14;
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * Whether `e` says the index or a file under `root` cannot be written (rather than that
 * something is wrong with it). SQLite names no file, but only the index is opened here.
 */
export function isNotWritable(e: unknown, root: string): boolean {
  const code = sqliteCode(e);
  if (code === SQLITE_READONLY || code === SQLITE_CANTOPEN) return true;
  const err = e as NodeJS.ErrnoException | null;
  return NOT_WRITABLE.has(err?.code ?? '') && typeof err?.path === 'string' && err.path.startsWith(root);
}

/** Why `root` cannot be written, in words ("read-only file system"), else `fallback`. */
export function notWritableReason(root: string, fallback: string): string {
  try {
    accessSync(root, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return 'read-only file system';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  }
  return fallback;
}

/**
 * Opens the index and ingests what is new. When that needs a write the folder refuses: a copy
 * of the index in a private temporary folder, brought up to date (built from the run folders
 * when there is no usable index) and removed again on close.
 */
export function openIndexForReading(root: string): IndexForReading {
  let store: Store | undefined;
  try {
    store = openIndex(root);
    return { store, report: ingestAll(store), mode: 'index' };
  } catch (e) {
    store?.close();
    if (!isNotWritable(e, root)) throw e;
  }
  return openCopy(root);
}

function openCopy(root: string): IndexForReading {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-index-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const copy = join(dir, 'index.db');
    let store: Store;
    try {
      copyIndex(indexPath(root), copy);
      store = openIndex(root, copy);
    } catch {
      // No index, or one that is not usable: start from the run folders alone.
      for (const f of [copy, `${copy}-wal`]) rmSync(f, { force: true });
      store = openIndex(root, copy);
    }
    const report = ingestAll(store);
    const inner = store;
    // The same store, whose close also removes the copy.
    const withCleanup = Object.create(inner, { close: { value: () => (inner.close(), remove()) } }) as Store;
    return { store: withCleanup, report, mode: 'copy' };
  } catch (e) {
    remove();
    throw e;
  }
}

/** index.db with its write-ahead log (commits a writer left there); no shared-memory file. */
function copyIndex(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
