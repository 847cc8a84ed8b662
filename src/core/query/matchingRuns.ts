// The ids of the runs a query selects, for views that hold their rows already (the Runs
// Table filters its loaded rows by these ids instead of evaluating queries itself).
import type { Store } from '../store';
import { type QueryOptions, compileQuery } from './compile';

/** Ids of non-deleted runs matching the query (every run for an empty query). Throws QueryError. */
export function matchingRunIds(store: Store, query: string, opts: QueryOptions & { includeDeleted?: boolean } = {}): Set<string> {
  const where = compileQuery(query, opts);
  const deleted = opts.includeDeleted ? '' : 'r.deleted = 0 AND ';
  return new Set(store.stmt(`SELECT r.id FROM runs r WHERE ${deleted}(${where.sql})`).pluck().all(where.params) as string[]);
}
