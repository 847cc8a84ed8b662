// The index worker's request handlers over an index opened in this process, for tests and
// benchmarks that drive panels without a worker thread: the same answers the editor gets.
import { processEngine } from '../../src/core/sqlite/loadEngine';
import type { Store } from '../../src/core/store';
import { indexMethods, type IndexMethods } from '../../src/worker/indexMethods';
import { IndexState } from '../../src/worker/indexState';

export function methodsOn(store: Store): IndexMethods {
  return indexMethods(inProcessState(store.root, store));
}

/** The worker's state over the index at `root` in this process, telling nobody of its news;
 * without `open`, it opens the index itself (and reads every run) as the worker does. */
export function inProcessState(root: string, open?: Store): IndexState {
  const quiet = { ingested: () => undefined, models: () => undefined, reading: () => undefined, log: () => undefined };
  return new IndexState(root, processEngine().driver, quiet, open);
}
