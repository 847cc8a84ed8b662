// Reads each model's gate log (models/<name>/gates.jsonl) into model_gates from its saved
// offset, as the alias log is read: a log that shrank was replaced, and is read again whole.
import { statSync } from 'node:fs';
import type { BadLine } from '../eventReader';
import { type ReadPosition, readEventChunks } from '../eventReader';
import type { Store } from '../store';
import { gateLog } from './registryPaths';

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function savedPosition(store: Store, name: string): ReadPosition | undefined {
  const row = store.stmt('SELECT offset, lines FROM model_gate_logs WHERE name = ?').get(name) as { offset: number; lines: number } | undefined;
  return row ? { offset: row.offset, line: row.lines } : undefined;
}

/** True when rows changed; bad lines are added to `report.bad`. */
export function syncGates(store: Store, name: string, report: { bad: BadLine[] }): boolean {
  const file = gateLog(store.root, name);
  const size = sizeOf(file);
  let pos = savedPosition(store, name);
  if (pos?.offset === size || (pos === undefined && size === 0)) return false;
  let changed = false;
  if (pos === undefined || size < pos.offset) {
    store.transaction(() => {
      store.stmt('DELETE FROM model_gates WHERE name = ?').run(name);
      store.stmt('INSERT OR REPLACE INTO model_gate_logs (name, offset, lines, bad) VALUES (?, 0, 0, 0)').run(name);
    }, 'immediate');
    pos = { offset: 0, line: 0 };
    changed = true;
  }
  const insert = 'INSERT OR REPLACE INTO model_gates (name, line, t, version, baseline, verdict, record) VALUES (?, ?, ?, ?, ?, ?, ?)';
  for (const chunk of readEventChunks(file, pos)) {
    const applied = store.transaction(() => {
      // Another window may have read this part already.
      if (savedPosition(store, name)?.offset !== chunk.start.offset) return false;
      let bad = chunk.bad.length;
      chunk.events.forEach((ev, i) => {
        if (ev.type !== 'gate') {
          bad++;
          return;
        }
        store.stmt(insert).run(name, chunk.lines[i], ev.t, ev.version, ev.baseline ?? null, ev.verdict, JSON.stringify(ev));
      });
      store.stmt('UPDATE model_gate_logs SET offset = ?, lines = ?, bad = bad + ? WHERE name = ?').run(chunk.end.offset, chunk.end.line, bad, name);
      return true;
    }, 'immediate');
    if (!applied) break;
    for (const b of chunk.bad) report.bad.push(b);
    changed = true;
  }
  return changed;
}
