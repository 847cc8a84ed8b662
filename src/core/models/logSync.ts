// A model's append-only log (aliases.jsonl, gates.jsonl) read into its index table from the
// offset saved in a positions table: a log that shrank was replaced, and is read again whole.
import type { ParsedEvent } from '../eventParse';
import { type BadLine, type ReadPosition, readEventChunks } from '../eventReader';
import type { Store } from '../store';
import { fileSize } from '../regularFile';

export interface ModelLog {
  file: string;
  /** The table of saved read positions (name, offset, lines, bad). */
  positions: 'model_logs' | 'model_gate_logs';
  /** Drops the model's rows read from this log (before it is read again whole). */
  clear(): void;
  /** Folds one event into the rows; false when the line is not this log's kind. */
  apply(ev: ParsedEvent, line: number): boolean;
}

function savedPosition(store: Store, log: ModelLog, name: string): ReadPosition | undefined {
  const row = store.stmt(`SELECT offset, lines FROM ${log.positions} WHERE name = ?`).get(name) as { offset: number; lines: number } | undefined;
  return row ? { offset: row.offset, line: row.lines } : undefined;
}

/** True when rows changed; bad lines are added to `report.bad`. */
export function syncModelLog(store: Store, name: string, log: ModelLog, report: { bad: BadLine[] }): boolean {
  const size = fileSize(log.file);
  let pos = savedPosition(store, log, name);
  if (pos?.offset === size || (pos === undefined && size === 0)) return false;
  let changed = false;
  if (pos === undefined || size < pos.offset) {
    store.transaction(() => {
      log.clear();
      store.stmt(`INSERT OR REPLACE INTO ${log.positions} (name, offset, lines, bad) VALUES (?, 0, 0, 0)`).run(name);
    }, 'immediate');
    pos = { offset: 0, line: 0 };
    changed = true;
  }
  for (const chunk of readEventChunks(log.file, pos)) {
    const applied = store.transaction(() => {
      // Another window may have read this part already: then stop, it is in the index.
      if (savedPosition(store, log, name)?.offset !== chunk.start.offset) return false;
      let bad = chunk.bad.length;
      chunk.events.forEach((ev, i) => {
        if (!log.apply(ev, chunk.lines[i])) bad++;
      });
      store.stmt(`UPDATE ${log.positions} SET offset = ?, lines = ?, bad = bad + ? WHERE name = ?`).run(chunk.end.offset, chunk.end.line, bad, name);
      return true;
    }, 'immediate');
    if (!applied) break;
    for (const b of chunk.bad) report.bad.push(b);
    changed = true;
  }
  return changed;
}
