// Errors the editor layer and the CLI turn into specific messages.

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

/** SQLite error codes that mean the file itself is unusable. */
export function isCorruptionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}
