// The workspace's run queue ("Queue Tracked Run"): single runs, each with its own script and
// parameters, scheduled by the sweep queue's machinery as the entries of one sweep-like state
// of kind `queue` in .trackside/sweeps/<id>/. It has no sweep file and no metric; at most
// trackside.queue.concurrency of its runs run at once.
import { pairsToParams } from '../runner/params';
import type { SweepSpec } from './sweepSpec';
import { createSweep, listSweeps, newSweepId, type QueuedRun, type SweepState, type Trial } from './sweepState';

export const RUN_QUEUE_NAME = 'Run queue';

export function findRunQueue(root: string): SweepState | undefined {
  return listSweeps(root).find((s) => s.kind === 'queue');
}

/** A queue entry for `run` (its key is given when it joins the queue). */
export function queueEntry(run: QueuedRun): Trial {
  return { key: 0, params: run.pairs ? pairsToParams(run.pairs) : {}, status: 'queued', run, queued: Date.now() };
}

/** The queue, made on first use with its first entry. */
export function createRunQueue(root: string, workspaceDir: string, first: Trial, concurrency: number): SweepState {
  const spec: SweepSpec = { name: RUN_QUEUE_NAME, program: '', method: 'grid', parameters: {}, runCap: 0, concurrency, seed: 0, args: [] };
  return createSweep(root, { id: newSweepId(), kind: 'queue', name: RUN_QUEUE_NAME, file: '', workspaceDir, spec, status: 'running', trials: [{ ...first, key: 1 }] });
}

/**
 * Puts an entry at the end of the queue. A queue that had finished or was cancelled runs again;
 * a paused one stays paused. `concurrency` (the setting) is kept for whoever schedules the queue
 * without the editor (the CLI).
 */
export function appendToQueue(s: SweepState, entry: Trial, concurrency: number): void {
  s.trials.push({ ...entry, key: s.nextKey++ });
  s.spec.concurrency = concurrency;
  if (s.status === 'finished' || s.status === 'cancelled') {
    s.status = 'running';
    delete s.message;
  }
}
