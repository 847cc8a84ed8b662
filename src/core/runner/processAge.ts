// When a process started, in unix ms, from /proc (start ticks after boot and uptime).
import { CLK_TCK, readProcStatSync, uptimeSeconds } from './procfs';

export function processStartedAt(pid: number, now: number = Date.now(), procRoot = '/proc'): number | undefined {
  const stat = readProcStatSync(pid, procRoot);
  const up = uptimeSeconds(procRoot);
  if (!stat || up === undefined) return undefined;
  return now - (up - stat.startTicks / CLK_TCK) * 1000;
}
