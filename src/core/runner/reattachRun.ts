// Follows a run whose process outlived the extension host that started it. Its output
// pipe went with that host, so there is no output to show; what can be known is when it
// ends. Its exit code cannot be known (it is not our child), so unless the Python client
// wrote a final status itself, the run is marked `crashed` with that explanation, or
// `stopped` when it was stopped from here.
import { appendEvent } from './eventLog';
import { readLastStatus } from './eventsTail';
import { startSysSampling } from './hardware';
import type { SysSampling } from './hardware';
import { describeProcess, isSameProcessAlive, writePidFile } from './pidFile';
import type { PidRecord } from './pidFile';
import { lostProcessMessage } from './recoverRuns';
import { stopProcessGroup } from './stopProcess';
import type { StopGrace } from './stopProcess';
import type { RunStatus } from '../events';

export interface ReattachOptions {
  /** How often to check whether the process lives (default 1 s). */
  pollMs?: number;
  /** Seconds between hardware samples; default 5, 0 off. */
  sysInterval?: number;
  nvidiaSmi?: string | false;
  stopGrace?: StopGrace;
  isAlive?: (pid: number) => boolean;
}

export interface AttachedRun {
  readonly id: string;
  readonly dir: string;
  readonly pid: number;
  /** The run's final status as it stands in its log once the process is gone. */
  readonly onExit: Promise<{ status: RunStatus }>;
  stop(grace?: StopGrace): Promise<{ status: RunStatus }>;
}

export function reattachRun(run: { id: string; dir: string; pid: number; record?: PidRecord }, opts: ReattachOptions = {}): AttachedRun {
  const { id, dir, pid, record } = run;
  const isAlive = opts.isAlive ?? ((p: number) => isSameProcessAlive(p, record?.start_ticks, record?.boot_id));
  // Claim it: another window running recovery now sees a live owner and leaves it alone.
  if (record) writePidFile(dir, { ...describeProcess(pid), start_ticks: record.start_ticks, boot_id: record.boot_id });

  let sampling: SysSampling | undefined;
  const interval = opts.sysInterval ?? 5;
  if (interval > 0) {
    sampling = startSysSampling({ pid, intervalMs: interval * 1000, nvidiaSmi: opts.nvidiaSmi, onSample: (values) => appendEvent(dir, { type: 'sys', values }) });
  }

  const gone = new Promise<void>((resolve) => {
    const check = (): void => {
      if (!isAlive(pid)) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, opts.pollMs ?? 1_000);
    check();
  });

  let stopRequested = false;
  const onExit = gone.then(async () => {
    await sampling?.stop();
    const last = readLastStatus(dir);
    if (stopRequested) {
      appendEvent(dir, { type: 'status', status: 'stopped', exit_code: null });
      return { status: 'stopped' as RunStatus };
    }
    if (last?.status === 'running' || last === undefined) {
      appendEvent(dir, { type: 'status', status: 'crashed', exit_code: null, error: lostProcessMessage(pid) });
      return { status: 'crashed' as RunStatus };
    }
    return { status: last.status };
  });

  let stopping: Promise<{ status: RunStatus }> | undefined;
  return {
    id,
    dir,
    pid,
    onExit,
    stop(grace) {
      if (!stopping) {
        stopRequested = true;
        stopping = stopProcessGroup(pid, gone, { ...opts.stopGrace, ...grace }).then(() => onExit);
      }
      return stopping;
    },
  };
}
