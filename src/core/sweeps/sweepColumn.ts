// runs.sweep for runs indexed before the index had the column: each sweep folder's trials
// name their runs. A run whose sweep folder was deleted gets its sweep back from its own log
// when the index is rebuilt.
import type { Store } from '../store';
import { listSweeps } from './sweepState';

export function fillSweepColumn(store: Store): void {
  const set = store.stmt('UPDATE runs SET sweep = ? WHERE id = ? AND sweep IS NULL');
  for (const s of listSweeps(store.root)) {
    if (s.kind === 'queue') continue; // single queued runs belong to no sweep
    for (const t of s.trials) if (t.runId) set.run(s.name, t.runId);
  }
}
