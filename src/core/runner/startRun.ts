// Starts a tracked run: run folder, start events and code snapshot first, then the Python
// process in its own process group, with its output streamed to listeners and kept
// (capped) in files/output.log, hardware sampled, and the final status written on exit.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { putBytes } from '../blobs';
import type { ParamValue, RunEvent, RunStatus } from '../events';
import { appendEvent } from './eventLog';
import { buildChildEnv } from './childEnv';
import { StderrTail } from './failureSummary';
import { gitInfo } from './gitInfo';
import type { GitInfo, GitInfoOptions } from './gitInfo';
import { startSysSampling } from './hardware';
import type { SysSampling } from './hardware';
import { resolveInterpreter } from './interpreter';
import type { Interpreter } from './interpreter';
import { DEFAULT_OUTPUT_CAP_BYTES, OutputLog } from './outputLog';
import { pairsToParams, paramsToArgs } from './params';
import type { ParamPair } from './params';
import { describeProcess, writePidFile } from './pidFile';
import { newRunFolder } from './runFolder';
import { shortRunId } from './runId';
import { snapshotCode } from './snapshot';
import type { SnapshotOptions, SnapshotResult } from './snapshot';
import { stopProcessGroup } from './stopProcess';
import type { StopGrace } from './stopProcess';

export interface StartRunOptions {
  /** The .trackside folder. */
  root: string;
  workspaceDir: string;
  /** The .py file to run (absolute, or relative to workspaceDir). Give this or `module`. */
  program?: string;
  /** Run as `python -m module`. */
  module?: string;
  args?: readonly string[];
  /** Default workspaceDir; relative paths are taken from workspaceDir. */
  cwd?: string;
  /** Added to (or, undefined, removed from) the inherited environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A resolved interpreter, or a command/path to resolve (throws InterpreterNotFoundError). */
  interpreter: Interpreter | string;
  /** Folder holding the bundled `trackside` Python package. */
  clientPath?: string;
  /** Default: the script (or module) name and the short id, "train-3fa2c1". */
  name?: string;
  /** Default "Default". */
  experiment?: string;
  params?: readonly ParamPair[] | Readonly<Record<string, ParamValue>>;
  /** Also pass params as `--key value` after args (default true). */
  paramsAsArgs?: boolean;
  tags?: readonly string[];
  note?: string;
  /** The sweep trial this run is. */
  sweep?: RunEvent['sweep'];
  /** Snapshot settings; false takes no snapshot. */
  snapshot?: SnapshotOptions | false;
  /** false skips git; options tune it. */
  git?: GitInfoOptions | false;
  /** Output kept in files/output.log (the tail); default 10 MiB. */
  outputCapBytes?: number;
  /** Seconds between hardware samples; default 5, 0 turns sampling off. */
  sysInterval?: number;
  /** nvidia-smi to use; default looked up on the run's PATH; false: none. */
  nvidiaSmi?: string | false;
  stopGrace?: StopGrace;
  /** Receives output from the first byte (before startRun resolves). */
  onOutput?: (text: string) => void;
}

export type RunEndStatus = Extract<RunStatus, 'finished' | 'failed' | 'stopped'>;

export interface RunExit {
  status: RunEndStatus;
  /** null when the process died from a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
}

export interface RunHandle {
  readonly id: string;
  /** The name the run started with (its `run` event's). */
  readonly name: string;
  readonly dir: string;
  readonly pid: number;
  /** argv as spawned. */
  readonly command: readonly string[];
  readonly interpreter: Interpreter;
  readonly git?: GitInfo;
  readonly snapshot?: SnapshotResult;
  /** Unix ms of the spawn. */
  readonly startedAt: number;
  /** Interleaved stdout and stderr as text. Returns an unsubscribe function. */
  onOutput(listener: (text: string) => void): () => void;
  readonly onExit: Promise<RunExit>;
  /** SIGINT, then SIGTERM, then SIGKILL (see StopGrace); the run ends `stopped`. */
  stop(grace?: StopGrace): Promise<RunExit>;
  /** Set once the process has exited and the status is written. */
  readonly exit: RunExit | undefined;
}

/** The run could not start; when the folder was made, it holds a `failed` status. */
export class RunStartError extends Error {
  override readonly name = 'RunStartError';
  constructor(
    message: string,
    readonly runId?: string,
    readonly dir?: string,
  ) {
    super(message);
  }
}

// After the process exits, its pipes normally close at once; a grandchild that inherited
// them may keep them open, and the run must still end.
const CLOSE_WAIT_MS = 2_000;

export async function startRun(opts: StartRunOptions): Promise<RunHandle> {
  if (!opts.program === !opts.module) throw new RunStartError('Give either a program or a module to run.');
  const workspaceDir = resolve(opts.workspaceDir);
  const cwd = resolve(workspaceDir, opts.cwd ?? '.');
  const interp = typeof opts.interpreter === 'string' ? await resolveInterpreter([opts.interpreter], { cwd }) : opts.interpreter;

  let programAbs: string | undefined;
  if (opts.program) {
    programAbs = resolve(workspaceDir, opts.program);
    const s = await stat(programAbs).catch(() => undefined);
    if (!s?.isFile()) throw new RunStartError(`Program not found: ${programAbs}`);
  }
  const cwdStat = await stat(cwd).catch(() => undefined);
  if (!cwdStat?.isDirectory()) throw new RunStartError(`Working directory not found: ${cwd}`);

  const params = opts.params === undefined ? undefined : Array.isArray(opts.params) ? pairsToParams(opts.params as readonly ParamPair[]) : { ...(opts.params as Record<string, ParamValue>) };
  const args = [...(opts.args ?? [])];
  if (opts.params !== undefined && opts.paramsAsArgs !== false) args.push(...paramsToArgs(opts.params));
  const command = programAbs ? [interp.executable, programAbs, ...args] : [interp.executable, '-m', opts.module!, ...args];

  const { id, dir } = newRunFolder(opts.root);
  let git: GitInfo | undefined;
  let snapshot: SnapshotResult | undefined;
  let diffHash: string | undefined;
  try {
    [git, snapshot] = await Promise.all([
      opts.git === false ? undefined : gitInfo(workspaceDir, opts.git),
      opts.snapshot === false ? undefined : snapshotCode(opts.root, workspaceDir, { ...opts.snapshot, script: programAbs }),
    ]);
    if (git?.diff) diffHash = (await putBytes(opts.root, git.diff)).hash;
  } catch (err) {
    const reason = `Could not record the run: ${(err as Error).message}`;
    appendEvent(dir, { type: 'status', status: 'failed', exit_code: null, error: reason });
    throw new RunStartError(reason, id, dir);
  }

  const script = programAbs ? displayPath(workspaceDir, programAbs) : undefined;
  const runEvent: Omit<RunEvent, 't'> = {
    type: 'run',
    source: 'editor',
    name: opts.name?.trim() || `${programAbs ? basename(programAbs).replace(/\.py$/i, '') : opts.module}-${shortRunId(id)}`,
    experiment: opts.experiment?.trim() || 'Default',
    command,
    cwd,
    ...(script !== undefined ? { script } : {}),
    ...(git ? { git: { commit: git.commit, branch: git.branch, dirty: git.dirty, ...(diffHash ? { diff: diffHash } : {}) } } : {}),
    python: { executable: interp.executable, version: interp.version },
    host: hostname(),
    ...(params ? { params } : {}),
    ...(opts.tags?.length ? { tags: [...opts.tags] } : {}),
    ...(opts.note ? { note: opts.note } : {}),
    ...(opts.sweep ? { sweep: opts.sweep } : {}),
  };
  appendEvent(dir, runEvent);
  if (snapshot) {
    // `skipped` is not in the v1 contract: readers ignore it; the run panel may show it.
    appendEvent(dir, { type: 'code', files: snapshot.files, root: workspaceDir, ...(snapshot.skipped.length ? { skipped: snapshot.skipped.slice(0, 200) } : {}) });
  }
  appendEvent(dir, { type: 'status', status: 'running' });

  const env = buildChildEnv({ runDir: dir, clientPath: opts.clientPath, env: opts.env });
  const child = spawn(command[0], command.slice(1), {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own session and process group, so Stop reaches the workers it starts.
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  const startedAt = Date.now();
  if (child.pid === undefined) {
    const reason = await new Promise<string>((r) => child.once('error', (e) => r(e.message)));
    appendEvent(dir, { type: 'status', status: 'failed', exit_code: null, error: `Could not start ${command[0]}: ${reason}` });
    throw new RunStartError(`Could not start ${command[0]}: ${reason}`, id, dir);
  }
  const pid = child.pid;
  child.on('error', () => undefined); // e.g. a failed kill(): the exit path reports the outcome
  writePidFile(dir, describeProcess(pid));
  appendEvent(dir, { type: 'run', source: 'editor', pid });

  return follow({ opts, id, name: runEvent.name!, dir, pid, child, command, interp, git, snapshot, startedAt });
}

interface Started {
  opts: StartRunOptions;
  id: string;
  name: string;
  dir: string;
  pid: number;
  child: ChildProcess;
  command: string[];
  interp: Interpreter;
  git?: GitInfo;
  snapshot?: SnapshotResult;
  startedAt: number;
}

function follow(s: Started): RunHandle {
  const { opts, dir, pid, child } = s;
  const listeners = new Set<(text: string) => void>();
  if (opts.onOutput) listeners.add(opts.onOutput);
  const log = new OutputLog(join(dir, 'files', 'output.log'), opts.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES);
  const stderrTail = new StderrTail();
  const emit = (text: string): void => {
    for (const l of listeners) {
      try {
        l(text);
      } catch {
        // a failing listener must not stop the run's bookkeeping
      }
    }
  };
  // Each stream has its own decoder so a character split across chunks survives.
  const pipe = (stream: NodeJS.ReadableStream | null, isErr: boolean): void => {
    if (!stream) return;
    const dec = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const text = dec.write(chunk);
      if (text) {
        if (isErr) stderrTail.push(text);
        emit(text);
      }
    });
    stream.on('end', () => {
      const rest = dec.end();
      if (rest) emit(rest);
    });
  };
  pipe(child.stdout, false);
  pipe(child.stderr, true);

  const interval = opts.sysInterval ?? 5;
  let sampling: SysSampling | undefined;
  if (interval > 0) {
    sampling = startSysSampling({
      pid,
      intervalMs: interval * 1000,
      nvidiaSmi: opts.nvidiaSmi,
      path: buildPath(opts.env),
      onSample: (values) => appendEvent(dir, { type: 'sys', values }),
    });
  }

  let stopRequested = false;
  let exit: RunExit | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  const closed = new Promise<void>((res) => child.once('close', () => res()));

  const onExit = exited.then(async ({ code, signal }) => {
    const durationMs = Date.now() - s.startedAt;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    // Workers left behind by a stopped run go with it.
    if (stopRequested) signalGroupQuietly(pid);
    await sampling?.stop();
    log.close();
    const status: RunEndStatus = stopRequested ? 'stopped' : code === 0 ? 'finished' : 'failed';
    let error: string | undefined;
    if (status === 'failed') error = signal ? `Terminated by ${signal}` : stderrTail.summary();
    // duration_ms is not in the v1 contract (t of start and end give it); handy for readers.
    appendEvent(dir, { type: 'status', status, exit_code: code, ...(error ? { error } : {}), duration_ms: durationMs });
    exit = { status, exitCode: code, signal, durationMs };
    return exit;
  });

  let stopping: Promise<RunExit> | undefined;
  return {
    id: s.id,
    name: s.name,
    dir,
    pid,
    command: s.command,
    interpreter: s.interp,
    git: s.git,
    snapshot: s.snapshot,
    startedAt: s.startedAt,
    onExit,
    get exit() {
      return exit;
    },
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop(grace) {
      if (exit) return onExit;
      if (!stopping) {
        stopRequested = true;
        stopping = stopProcessGroup(pid, exited, { ...opts.stopGrace, ...grace }).then(() => onExit);
      }
      return stopping;
    },
  };
}

function signalGroupQuietly(pid: number): void {
  try {
    if (process.platform !== 'win32') process.kill(-pid, 'SIGKILL');
  } catch {
    // group already empty
  }
}

function buildPath(env: StartRunOptions['env']): string | undefined {
  return env && 'PATH' in env ? env.PATH : process.env.PATH;
}


function displayPath(workspaceDir: string, abs: string): string {
  const rel = relative(workspaceDir, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}
