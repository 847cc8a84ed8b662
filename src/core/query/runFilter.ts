// A filter box's text (the Run Explorer's, the Runs Table's) as a checked query.
import { compileQuery } from './compile';
import { QueryError } from './queryError';

export interface RunFilter {
  /**
   * The input, in the query language (free words, `status:failed` and `tag:x` are queries too,
   * e.g. `resnet status:failed or params.lr > 0.01`); absent: every run.
   */
  query?: string;
  /** Why the input is not a query (with its column); no run is then selected by it. */
  error?: string;
}

/** What a filter box's text selects: a checked query, or the reason it is not one. */
export function parseRunFilter(input: string): RunFilter {
  const trimmed = input.trim();
  if (!trimmed) return {};
  try {
    compileQuery(trimmed);
    return { query: trimmed };
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    return { error: e.message };
  }
}
