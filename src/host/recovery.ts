import { reattachRun } from '../core/runner/reattachRun';
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
  const alive = await app.index.call('recoverRuns', app.runs.activeIds());
  for (const run of alive) {
    app.runs.attach(reattachRun(run, { sysInterval: settings().systemMetricsInterval }), run.name);
  }
}
