// Hardware samples of a run: CPU % and resident memory of its whole process tree (from
// /proc), plus per-GPU figures from nvidia-smi when it is on PATH, as `sys` events.
import { CLK_TCK, listProcesses, pageSize, processTree, uptimeSeconds } from './procfs';
import { findOnPath, gpuValues, queryGpus } from './nvidiaSmi';

export interface TreeSample {
  /** Percent of one core: 200 means two cores busy. */
  cpuPercent: number;
  memoryMb: number;
  processes: number;
}

/**
 * CPU % is the change of the tree's total ticks over wall time. Each process counts
 * utime+stime plus its reaped children's (cutime+cstime): when a child exits and is
 * reaped, its ticks move to its parent, so the total neither drops nor counts twice.
 */
export class ProcessTreeSampler {
  private last?: { ticks: number; at: number };

  constructor(
    readonly rootPid: number,
    private readonly procRoot = '/proc',
  ) {}

  /** Undefined once the root process is gone (or without /proc). The first sample's CPU
   * is the average since the root started. */
  async sample(): Promise<TreeSample | undefined> {
    const tree = processTree(await listProcesses(this.procRoot), this.rootPid);
    if (tree.length === 0) return undefined;
    const now = performance.now();
    const ticks = tree.reduce((n, p) => n + p.ticks, 0);
    let cpuPercent = 0;
    if (this.last) {
      const secs = (now - this.last.at) / 1000;
      if (secs > 0) cpuPercent = ((ticks - this.last.ticks) / CLK_TCK / secs) * 100;
    } else {
      const up = uptimeSeconds(this.procRoot);
      const secs = up === undefined ? 0 : up - tree[0].startTicks / CLK_TCK;
      if (secs > 0) cpuPercent = (ticks / CLK_TCK / secs) * 100;
    }
    this.last = { ticks, at: now };
    const rss = tree.reduce((n, p) => n + p.rssPages, 0) * pageSize();
    return {
      // A process that leaves the tree unreaped takes its ticks along: never report < 0.
      cpuPercent: round1(Math.max(0, cpuPercent)),
      memoryMb: round1(rss / (1024 * 1024)),
      processes: tree.length,
    };
  }
}

export interface SysSamplingOptions {
  pid: number;
  intervalMs: number;
  /** Receives the values of one `sys` event. */
  onSample: (values: Record<string, number>) => void;
  /** nvidia-smi to run; default: looked up on PATH; false: no GPU sampling. */
  nvidiaSmi?: string | false;
  /** PATH to look nvidia-smi up in (default process.env.PATH). */
  path?: string;
  procRoot?: string;
}

export interface SysSampling {
  /** Stops sampling; resolves once a sample in progress has been delivered or dropped. */
  stop(): Promise<void>;
}

/** Samples every interval until stopped or the process tree is gone. */
export function startSysSampling(opts: SysSamplingOptions): SysSampling {
  const tree = new ProcessTreeSampler(opts.pid, opts.procRoot);
  let smi = opts.nvidiaSmi === false ? undefined : (opts.nvidiaSmi ?? findOnPath('nvidia-smi', opts.path));
  let smiFailures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    const [proc, gpus] = await Promise.all([tree.sample(), smi ? queryGpus(smi) : undefined]);
    if (smi && gpus === undefined && ++smiFailures >= 3) smi = undefined; // broken driver: stop asking
    if (gpus) smiFailures = 0;
    if (stopped) return;
    const values: Record<string, number> = {};
    if (proc) {
      values.cpu_percent = proc.cpuPercent;
      values.memory_mb = proc.memoryMb;
    }
    Object.assign(values, gpuValues(gpus ?? []));
    if (Object.keys(values).length > 0) opts.onSample(values);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick()
        .catch(() => undefined)
        .finally(schedule);
    }, opts.intervalMs);
  };
  // Baseline now, so the first event's CPU covers the first interval only.
  inFlight = tree
    .sample()
    .then(() => undefined, () => undefined)
    .finally(schedule);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
