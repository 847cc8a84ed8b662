// A query that cannot be read: where (1-based column) and what was expected there. The
// Python reader (src/python/trackside/query.py) raises the same messages for the same input.

export class QueryError extends Error {
  constructor(
    /** 1-based column of the offending token (or of the end of the query). */
    readonly column: number,
    /** What the parser would have accepted there, in words. */
    readonly expected: string,
    /** What it found instead. */
    readonly found: string,
  ) {
    super(`Query error at column ${column}: expected ${expected}, found ${found}`);
    this.name = 'QueryError';
  }
}
