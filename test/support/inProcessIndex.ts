// The index worker's request handlers over an index opened in this process, for tests and
// benchmarks that drive panels without a worker thread: the same answers the editor gets.
import { processEngine } from '../../src/core/sqlite/loadEngine';
import type { Store } from '../../src/core/store';
import { indexMethods, type IndexMethods } from '../../src/worker/indexMethods';
import { IndexState } from '../../src/worker/indexState';

export function methodsOn(store: Store): IndexMethods {
  const quiet = { ingested: () => undefined, models: () => undefined, reading: () => undefined, log: () => undefined };
  return indexMethods(new IndexState(store.root, processEngine().driver, quiet, store));
}
