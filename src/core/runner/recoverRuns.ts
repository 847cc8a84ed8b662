// After the extension host restarts: runs whose log still says `running` are checked
// against their process. Dead → a `crashed` status is appended (what was logged stays).
// Alive → returned so the caller can re-attach (see reattachRun). Runs of another host,
// or still followed by another live extension host, are left alone.
import { readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { appendEvent } from './eventLog';
import { readLastStatus, readRunHead } from './eventsTail';
import { isSameProcessAlive, pidExists, readPidFile } from './pidFile';
import type { PidRecord } from './pidFile';
import { processStartedAt } from './processAge';
import { isValidRunId, runDir, runsDir } from '../paths';

export interface RecoverOptions {
  /** Check only these runs (e.g. those the index has as running); default: every run folder. */
  runIds?: readonly string[];
  /** Whether the run's process is alive and is the one recorded. Default: kill(pid, 0) plus,
   * with a pid file, the /proc start time recorded at spawn; for a client-only run, a
   * process younger than the run's start event is a reused pid. */
  isAlive?: (pid: number, record: PidRecord | undefined, runStartedAt: number | undefined) => boolean;
  /** This machine's name, to leave runs of other machines alone (default os.hostname()). */
  hostname?: string;
  /** A run started from the editor whose process never got a pid is crashed after this (default 60 s). */
  neverStartedAfterMs?: number;
  now?: number;
}

export interface RecoveredRun {
  id: string;
  dir: string;
  pid?: number;
  record?: PidRecord;
}

export interface SkippedRun {
  id: string;
  dir: string;
  reason: 'other-host' | 'followed-elsewhere' | 'no-pid';
}

export interface RecoverResult {
  /** Marked crashed now. */
  crashed: RecoveredRun[];
  /** Still running, not followed by any live extension host: re-attach to these. */
  alive: (RecoveredRun & { pid: number })[];
  skipped: SkippedRun[];
}

/** Slack between a client process's start and the `t` of the run event it writes. */
const CLIENT_START_SLACK_MS = 5_000;

export function recoverRuns(root: string, opts: RecoverOptions = {}): RecoverResult {
  const now = opts.now ?? Date.now();
  const myHost = opts.hostname ?? hostname();
  const isAlive = opts.isAlive ?? defaultIsAlive;
  const result: RecoverResult = { crashed: [], alive: [], skipped: [] };
  for (const id of opts.runIds ?? listRunIds(root)) {
    // Imported runs may have ids of another shape: the index's own rule applies.
    if (!isValidRunId(id)) continue;
    const dir = runDir(root, id);
    if (readLastStatus(dir)?.status !== 'running') continue;
    const record = readPidFile(dir);
    const head = readRunHead(dir);
    const host = record?.host ?? head.host;
    if (host !== undefined && host !== myHost) {
      result.skipped.push({ id, dir, reason: 'other-host' });
      continue;
    }
    if (record && record.owner_pid !== undefined && isSameProcessAlive(record.owner_pid, record.owner_start_ticks, record.boot_id)) {
      result.skipped.push({ id, dir, reason: 'followed-elsewhere' });
      continue;
    }
    const pid = record?.pid ?? head.pid;
    if (pid === undefined) {
      const created = head.t ?? folderTime(dir);
      if (head.source === 'editor' && created !== undefined && now - created > (opts.neverStartedAfterMs ?? 60_000)) {
        appendEvent(dir, { type: 'status', status: 'crashed', exit_code: null, error: 'The run never started: the editor stopped while preparing it.' });
        result.crashed.push({ id, dir });
      } else {
        result.skipped.push({ id, dir, reason: 'no-pid' });
      }
      continue;
    }
    if (isAlive(pid, record, head.t)) {
      result.alive.push({ id, dir, pid, record });
    } else {
      appendEvent(dir, { type: 'status', status: 'crashed', exit_code: null, error: lostProcessMessage(pid) });
      result.crashed.push({ id, dir, pid, record });
    }
  }
  return result;
}

export function lostProcessMessage(pid: number): string {
  return `The process (pid ${pid}) ended while no Trackside extension host was following it (window reloaded or editor closed); its exit code is unknown.`;
}

function defaultIsAlive(pid: number, record: PidRecord | undefined, runStartedAt: number | undefined): boolean {
  if (record?.pid === pid) return isSameProcessAlive(pid, record.start_ticks, record.boot_id);
  if (!pidExists(pid)) return false;
  // A client-only run: its process started before it wrote the run event.
  const started = processStartedAt(pid);
  return started === undefined || runStartedAt === undefined || started <= runStartedAt + CLIENT_START_SLACK_MS;
}

function listRunIds(root: string): string[] {
  try {
    return readdirSync(runsDir(root)).filter(isValidRunId).sort();
  } catch {
    return [];
  }
}

function folderTime(dir: string): number | undefined {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return undefined;
  }
}
