// A sweep's queue on disk: `.trackside/sweeps/<id>/sweep.json` (the spec, the status and every
// trial), next to Optuna's study (optuna.db) when the sweep uses one. The file is the truth:
// the editor and the CLI both change it only through updateSweep (a lock file, read, change,
// write to a temp file, rename), so a pause from a terminal and the queue's own bookkeeping
// never overwrite each other.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamValue, RunStatus } from '../events';
import type { ParamPair } from '../runner/params';
import { describeProcess, isSameProcessAlive, type PidRecord } from '../runner/pidFile';
import { newRunId, RUN_ID_RE } from '../runner/runId';
import type { SweepSpec } from './sweepSpec';

export type SweepStatus = 'running' | 'paused' | 'cancelled' | 'finished';
export type TrialStatus = 'queued' | 'starting' | RunStatus | 'pruned';

/** A single run put in the run queue ("Queue Tracked Run"): what to start, as Start Tracked Run would. */
export interface QueuedRun {
  /** The script (absolute). */
  program: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** A run configuration's own interpreter; else the workspace's when the run starts. */
  interpreter?: string;
  experiment?: string;
  /** What the queue calls it: the script's file name, or the run configuration's name. */
  label: string;
  /** Parameters as typed (the script gets `--key raw`); the trial's params hold them as recorded. */
  pairs?: ParamPair[];
}

export interface Trial {
  /** Position-independent number, 1 up, never reused in a sweep. */
  key: number;
  /** In the run queue: the run this entry starts (a sweep's trials all run its program). */
  run?: QueuedRun;
  /** Empty for a bayes trial until Optuna suggests them (when it starts). */
  params: Record<string, ParamValue>;
  status: TrialStatus;
  runId?: string;
  /** Optuna's trial number, when a study follows this trial. */
  optuna?: number;
  /** The metric's last logged value; null when the run logged none. */
  value?: number | null;
  /** Last step the metric was seen at (pruning reports go on from there after a reload). */
  step?: number;
  queued: number;
  started?: number;
  ended?: number;
  /** Why it failed to start, or where it was pruned. */
  message?: string;
}

export interface SweepState {
  version: 1;
  id: string;
  /** `queue`: the workspace's run queue, single runs each with its own program (no sweep file). */
  kind?: 'queue';
  name: string;
  /** The sweep file (absolute). */
  file: string;
  /** Where programs and cwd resolve from. */
  workspaceDir: string;
  spec: SweepSpec;
  status: SweepStatus;
  created: number;
  updated: number;
  /** The process that schedules the queue; another one takes over when it is gone. */
  owner?: PidRecord;
  /** Why the sweep paused on its own, or what it does without (e.g. Optuna missing). */
  message?: string;
  nextKey: number;
  trials: Trial[];
}

const LOCK_STALE_MS = 10_000;

export function sweepsDir(root: string): string {
  return join(root, 'sweeps');
}

export function sweepDir(root: string, id: string): string {
  if (!isSweepId(id)) throw new Error(`Invalid sweep id ${JSON.stringify(id)}.`);
  return join(sweepsDir(root), id);
}

export function isSweepId(id: string): boolean {
  return RUN_ID_RE.test(id);
}

function statePath(root: string, id: string): string {
  return join(sweepDir(root, id), 'sweep.json');
}

export function newSweepId(): string {
  return newRunId();
}

export function createSweep(root: string, init: Omit<SweepState, 'version' | 'created' | 'updated' | 'nextKey'> & { nextKey?: number }): SweepState {
  const dir = sweepDir(root, init.id);
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const state: SweepState = { version: 1, created: now, updated: now, nextKey: init.trials.length + 1, ...init };
  write(root, state);
  return state;
}

export function readSweep(root: string, id: string): SweepState | undefined {
  const text = readSweepText(root, id);
  return text === undefined ? undefined : parseSweep(root, id, text);
}

export function parseSweep(root: string, id: string, text: string): SweepState {
  const state = JSON.parse(text) as SweepState;
  if (state.version !== 1 || state.id !== id || !Array.isArray(state.trials)) throw new Error(`${statePath(root, id)} is not a sweep this Trackside reads.`);
  return state;
}

/** Every sweep with a readable state, newest first; unreadable ones are reported, not fatal. */
export function listSweeps(root: string, onBad: (id: string, err: unknown) => void = () => undefined): SweepState[] {
  let ids: string[];
  try {
    ids = readdirSync(sweepsDir(root)).filter(isSweepId);
  } catch {
    return [];
  }
  const out: SweepState[] = [];
  for (const id of ids.sort().reverse()) {
    try {
      const s = readSweep(root, id);
      if (s) out.push(s);
    } catch (err) {
      onBad(id, err);
    }
  }
  return out;
}

/** The state file as written, to notice another process's change by its text: an mtime can
 *  stay the same across two quick writes. */
export function readSweepText(root: string, id: string): string | undefined {
  try {
    return readFileSync(statePath(root, id), 'utf8');
  } catch {
    return undefined;
  }
}

/** The text a state is written as. */
export function sweepText(state: SweepState): string {
  return JSON.stringify(state, null, 1) + '\n';
}

/** Reads, changes and writes the state under the sweep's lock; returns the new state. */
export function updateSweep(root: string, id: string, change: (s: SweepState) => void): SweepState {
  const lock = join(sweepDir(root, id), 'sweep.lock');
  const fd = acquire(lock);
  try {
    const state = readSweep(root, id);
    if (!state) throw new Error(`There is no sweep ${id}.`);
    change(state);
    state.updated = Date.now();
    write(root, state);
    return state;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

function acquire(lock: string): number {
  const until = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      return openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A holder that died between open and remove leaves the file: old enough, it is stale.
      const age = Date.now() - (statSafe(lock) ?? Date.now());
      if (age > LOCK_STALE_MS || Date.now() > until) rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function write(root: string, state: SweepState): void {
  const path = statePath(root, state.id);
  writeFileSync(path + '.tmp', sweepText(state));
  renameSync(path + '.tmp', path);
}

/** The owner is this process, or nobody alive: this process may schedule the sweep. */
export function mayOwn(state: SweepState): boolean {
  const o = state.owner;
  if (!o || o.pid === process.pid) return true;
  return !isSameProcessAlive(o.pid, o.start_ticks, o.boot_id);
}

export function thisProcess(): PidRecord {
  return describeProcess(process.pid);
}

export function sweepExists(root: string, id: string): boolean {
  return existsSync(statePath(root, id));
}

export function isActive(status: TrialStatus): boolean {
  return status === 'starting' || status === 'running';
}
