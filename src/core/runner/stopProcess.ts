// Stop escalation for a run's process group: SIGINT (Python raises KeyboardInterrupt, so
// training loops can save and exit), then SIGTERM, then SIGKILL, each after a grace period.

export interface StopGrace {
  /** Wait after SIGINT before SIGTERM (default 5 s). */
  interruptMs?: number;
  /** Wait after SIGTERM before SIGKILL (default 5 s). */
  terminateMs?: number;
}

export const DEFAULT_STOP_GRACE: Required<StopGrace> = { interruptMs: 5_000, terminateMs: 5_000 };

/** Signals the whole group led by `pid` (the run is spawned as a session leader, so its
 * workers get the signal too); falls back to the pid alone when it leads no group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      // not a group leader (a run started outside the editor), or gone: try the process
    }
  }
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

/** Escalates until `exited` settles. Resolves with the last signal sent. */
export async function stopProcessGroup(
  pid: number,
  exited: Promise<unknown>,
  grace: StopGrace = {},
  onSignal?: (signal: NodeJS.Signals) => void,
): Promise<NodeJS.Signals | undefined> {
  const g = { ...DEFAULT_STOP_GRACE, ...grace };
  let done = false;
  const gone = exited.then(
    () => (done = true),
    () => (done = true),
  );
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', g.interruptMs],
    ['SIGTERM', g.terminateMs],
    ['SIGKILL', 0],
  ];
  let last: NodeJS.Signals | undefined;
  for (const [signal, wait] of steps) {
    if (done) break;
    if (!signalGroup(pid, signal)) break;
    last = signal;
    onSignal?.(signal);
    if (signal === 'SIGKILL') break;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, wait)))]);
    clearTimeout(timer);
  }
  return last;
}
