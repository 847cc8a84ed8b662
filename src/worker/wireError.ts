// Errors crossing the thread boundary keep their class name, message and own fields (a
// query error's column, a run reference's candidates), so the editor can tell them apart.
import type { WireError } from '../protocol/indexWorker';

export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'stack' || k === 'message' || k === 'name') continue;
    try {
      data[k] = structuredClone(v);
    } catch {
      // not cloneable: left out
    }
  }
  return { name: e.name, message: e.message, ...(Object.keys(data).length ? { data } : {}) };
}
