// Gate verdicts as the index holds them (read from each model's gates.jsonl by syncGates).
import type { GateEvent } from '../events';
import type { Store } from '../store';

export interface GateRecord extends GateEvent {
  name: string;
  /** Line in gates.jsonl: with the name, the record's identity. */
  line: number;
}

/**
 * A model's gate verdicts, newest first: those that judged `version` or held another
 * version to it, or all of them when no version is given.
 */
export function gateHistory(store: Store, name: string, version?: number, limit = 200): GateRecord[] {
  const rows = (
    version === undefined
      ? store.stmt('SELECT line, record FROM model_gates WHERE name = ? ORDER BY t DESC, line DESC LIMIT ?').all(name, limit)
      : store
          .stmt('SELECT line, record FROM model_gates WHERE name = ? AND (version = ? OR baseline = ?) ORDER BY t DESC, line DESC LIMIT ?')
          .all(name, version, version, limit)
  ) as { line: number; record: string }[];
  return rows.map((r) => ({ ...(JSON.parse(r.record) as GateEvent), name, line: r.line }));
}

/** The newest verdict on each version of a model (as the version judged). */
export function latestGates(store: Store, name: string): Map<number, GateRecord> {
  const rows = store
    .stmt(
      `SELECT g.line, g.version, g.record FROM model_gates g
       WHERE g.name = ? AND g.line = (SELECT h.line FROM model_gates h WHERE h.name = g.name AND h.version = g.version ORDER BY h.t DESC, h.line DESC LIMIT 1)`,
    )
    .all(name) as { line: number; version: number; record: string }[];
  return new Map(rows.map((r) => [r.version, { ...(JSON.parse(r.record) as GateEvent), name, line: r.line }]));
}
