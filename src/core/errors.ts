// Errors the editor layer and the CLI turn into specific messages.
import { sqliteCode } from './sqlite/engine';

/** index.db is not a database, is damaged, or was made by a newer Trackside: rebuild it. */
export class CorruptIndexError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`The Trackside index ${path} cannot be used (${detail}); it can be rebuilt from the run folders.`);
    this.name = 'CorruptIndexError';
  }
}

export class UnknownRunError extends Error {
  constructor(readonly ref: string) {
    super(`No run matches ${JSON.stringify(ref)}`);
    this.name = 'UnknownRunError';
  }
}

export class AmbiguousRunError extends Error {
  constructor(
    readonly ref: string,
    readonly candidates: string[],
  ) {
    super(`${JSON.stringify(ref)} matches ${candidates.length} runs: ${candidates.slice(0, 10).join(', ')}${candidates.length > 10 ? ', …' : ''}`);
    this.name = 'AmbiguousRunError';
  }
}

/** SQLite errors (from either engine) that mean the file itself is unusable. */
export function isCorruptionError(e: unknown): boolean {
  const code = sqliteCode(e);
  return code === SQLITE_CORRUPT || code === SQLITE_NOTADB;
}

const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
