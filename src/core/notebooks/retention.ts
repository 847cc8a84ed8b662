// Which checkpoints retention removes: automatic ones beyond the newest `keepAutomatic`.
// Manual, labelled, run-linked and pre-restore checkpoints are always kept.
import type { CheckpointRecord } from './checkpointRecord';

export function isPrunable(r: CheckpointRecord): boolean {
  return r.kind === 'auto' && !r.label && !r.run;
}

/** Ids to remove; `records` in any order. */
export function retentionVictims(records: readonly CheckpointRecord[], keepAutomatic: number): string[] {
  const keep = Math.max(0, Math.floor(keepAutomatic));
  const auto = records.filter(isPrunable).sort((x, y) => y.t - x.t);
  return auto.slice(keep).map((r) => r.id);
}
