// Starts a sweep's trials as tracked runs from this process (the CLI, tests): the same
// startRun the editor's runs go through, with the trial's params passed as `--key value` and
// recorded. Runs left by an earlier scheduler are stopped through their pid file.
import { dirname, resolve } from 'node:path';
import { appendEvent } from '../runner/eventLog';
import { readLastStatus } from '../runner/eventsTail';
import { isSameProcessAlive, readPidFile } from '../runner/pidFile';
import { reattachRun } from '../runner/reattachRun';
import { startRun, type RunHandle, type StartRunOptions } from '../runner/startRun';
import { lostProcessMessage } from '../runner/recoverRuns';
import type { StartedTrial, TrialLauncher } from './sweepScheduler';
import type { SweepState, Trial } from './sweepState';

export interface DirectLauncherOptions {
  root: string;
  python: string;
  clientPath: string;
  /** Extra run options (sampling interval, snapshot settings, output). */
  run?: Partial<StartRunOptions>;
}

/** What a trial's run is started with, the same in the editor and in a terminal. */
export function trialRunOptions(sweep: SweepState, trial: Trial): Pick<StartRunOptions, 'program' | 'args' | 'cwd' | 'env' | 'params' | 'name' | 'experiment' | 'sweep'> {
  // A run queue entry is a run of its own: its script, arguments and parameters as queued.
  const run = trial.run;
  if (run) return { program: run.program, args: run.args, cwd: run.cwd ?? dirname(run.program), env: run.env, params: run.pairs, experiment: run.experiment };
  const base = dirname(sweep.file);
  const program = resolve(base, sweep.spec.program);
  if (program.toLowerCase().endsWith('.ipynb')) throw new Error(`${sweep.spec.program} is a notebook: a notebook runs as it is, without parameters, so it cannot be swept.`);
  return {
    program,
    args: sweep.spec.args,
    cwd: base,
    params: trial.params,
    name: `${sweep.name}-${trial.key}`,
    experiment: sweep.spec.experiment ?? sweep.name,
    sweep: { id: sweep.id, name: sweep.name, trial: trial.key },
  };
}

export function directLauncher(opts: DirectLauncherOptions): TrialLauncher & { adopt(runId: string, dir: string): Promise<unknown> } {
  const handles = new Map<string, RunHandle>();
  return {
    async start(trial, sweep): Promise<StartedTrial> {
      const handle = await startRun({ ...opts.run, root: opts.root, workspaceDir: sweep.workspaceDir, interpreter: opts.python, clientPath: opts.clientPath, ...trialRunOptions(sweep, trial) });
      handles.set(handle.id, handle);
      void handle.onExit.finally(() => handles.delete(handle.id));
      return { runId: handle.id, dir: handle.dir, ended: handle.onExit };
    },
    async stop(runId, dir) {
      const handle = handles.get(runId);
      if (handle) await handle.stop();
      else await directStop(runId, dir);
    },
    python: async () => opts.python,
    /** A run an earlier scheduler started: followed to its end (marked crashed when its process is gone). */
    async adopt(runId, dir) {
      await adopted(runId, dir)?.onExit;
    },
  };
}

/** Stops a run this process did not start, through its pid file. */
export async function directStop(runId: string, dir: string): Promise<void> {
  await adopted(runId, dir)?.stop();
}

/** A run an earlier process started, followed while its process lives; one whose process is gone is marked crashed. */
function adopted(id: string, dir: string): ReturnType<typeof reattachRun> | undefined {
  const record = readPidFile(dir);
  if (record && isSameProcessAlive(record.pid, record.start_ticks, record.boot_id)) return reattachRun({ id, dir, pid: record.pid, record }, { sysInterval: 0 });
  if (readLastStatus(dir)?.status === 'running') appendEvent(dir, { type: 'status', status: 'crashed', exit_code: null, error: lostProcessMessage(record?.pid ?? 0) });
  return undefined;
}
