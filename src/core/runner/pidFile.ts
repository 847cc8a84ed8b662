// files/pid: which process a run is, written right after spawn, so a later extension host
// can tell whether the run's process still lives (and is the same process, not a reused pid).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { bootId, readProcStatSync } from './procfs';

export interface PidRecord {
  pid: number;
  /** /proc/<pid>/stat start time (clock ticks after boot); absent without /proc. */
  start_ticks?: number;
  boot_id?: string;
  host: string;
  /** The process that spawned the run (the extension host) and its start ticks: while it
   * lives, the run is followed there and nobody else should mark or adopt it. */
  owner_pid: number;
  owner_start_ticks?: number;
  /** Unix ms of the spawn. */
  t: number;
}

export function pidFilePath(dir: string): string {
  return join(dir, 'files', 'pid');
}

export function describeProcess(pid: number): PidRecord {
  return {
    pid,
    start_ticks: readProcStatSync(pid)?.startTicks,
    boot_id: bootId(),
    host: hostname(),
    owner_pid: process.pid,
    owner_start_ticks: readProcStatSync(process.pid)?.startTicks,
    t: Date.now(),
  };
}

export function writePidFile(dir: string, rec: PidRecord): void {
  const path = pidFilePath(dir);
  writeFileSync(path + '.tmp', JSON.stringify(rec) + '\n');
  renameSync(path + '.tmp', path);
}

export function readPidFile(dir: string): PidRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(pidFilePath(dir), 'utf8')) as PidRecord;
    return Number.isInteger(rec.pid) && rec.pid > 0 ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is alive and, when start ticks were recorded on this boot, still the
 * same process. A different boot means the process is gone. */
export function isSameProcessAlive(pid: number, startTicks?: number, recordedBootId?: string): boolean {
  if (recordedBootId !== undefined) {
    const now = bootId();
    if (now !== undefined && now !== recordedBootId) return false;
  }
  if (!pidExists(pid)) return false;
  if (startTicks === undefined) return true;
  const stat = readProcStatSync(pid);
  // Without /proc (not Linux) the pid check above is all there is.
  return stat === undefined ? true : stat.startTicks === startTicks;
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
