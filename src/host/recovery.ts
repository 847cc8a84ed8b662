import { listRuns } from '../core/runQueries';
import { reattachRun } from '../core/runner/reattachRun';
import { recoverRuns } from '../core/runner/recoverRuns';
import { settings } from './config';
import type { IndexService } from './indexService';
import type { RunManager } from './runManager';

interface RecoveryHost {
  index: IndexService;
  runs: RunManager;
}

/**
 * Runs the index still has as running after a window reload: dead ones are marked
 * crashed (their logged data stays), live ones are followed again so they can be stopped.
 */
export async function recoverInterruptedRuns(app: RecoveryHost): Promise<void> {
  const store = app.index.get();
  const running = listRuns(store, { status: 'running', limit: 10_000 });
  if (running.length === 0) return;
  const result = recoverRuns(app.index.root, { runIds: running.filter((r) => !app.runs.isActive(r.id)).map((r) => r.id) });
  const names = new Map(running.map((r) => [r.id, r.name ?? r.id]));
  for (const alive of result.alive) {
    app.runs.attach(reattachRun(alive, { sysInterval: settings().systemMetricsInterval }), names.get(alive.id) ?? alive.id);
  }
  if (result.crashed.length) app.index.ingest();
}
