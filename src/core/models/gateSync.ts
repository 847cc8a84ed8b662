// Reads each model's gate log (models/<name>/gates.jsonl) into model_gates, as the alias log is read.
import type { BadLine } from '../eventReader';
import type { Store } from '../store';
import { syncModelLog } from './logSync';
import { gateLog } from './registryPaths';

/** True when rows changed; bad lines are added to `report.bad`. */
export function syncGates(store: Store, name: string, report: { bad: BadLine[] }): boolean {
  const insert = 'INSERT OR REPLACE INTO model_gates (name, line, t, version, baseline, verdict, record) VALUES (?, ?, ?, ?, ?, ?, ?)';
  return syncModelLog(store, name, {
    file: gateLog(store.root, name),
    positions: 'model_gate_logs',
    clear: () => store.stmt('DELETE FROM model_gates WHERE name = ?').run(name),
    apply: (ev, line) => {
      if (ev.type !== 'gate') return false;
      store.stmt(insert).run(name, line, ev.t, ev.version, ev.baseline ?? null, ev.verdict, JSON.stringify(ev));
      return true;
    },
  }, report);
}
