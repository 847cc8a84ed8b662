// `--evaluate "python evaluate.py --model {ref}"`: the gate runs a missing evaluation as a
// tracked run. It makes the run folder and records the command, like the editor's runs; the
// script's trackside.init(model=…) attaches to that folder through TRACKSIDE_RUN_DIR and logs
// the version, the data set and the metrics. Output goes to the gate's stderr and to the
// run's files/output.log, so a pipeline's log shows it and stdout stays the gate's own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { appendEvent } from '../runner/eventLog';
import { buildChildEnv } from '../runner/childEnv';
import { gitInfo } from '../runner/gitInfo';
import { OutputLog } from '../runner/outputLog';
import { describeProcess, writePidFile } from '../runner/pidFile';
import { newRunFolder } from '../runner/runFolder';

/** A word for a POSIX shell (or cmd.exe), quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (process.platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command with {ref} and {dataset} filled in (quoted); throws when {dataset} has no value. */
export function expandCommand(template: string, ref: string, dataset: string | undefined): string {
  if (template.includes('{dataset}') && dataset === undefined) throw new Error('--evaluate uses {dataset}: give --dataset PATH');
  return template.replace(/\{ref\}/g, shellQuote(ref)).replace(/\{dataset\}/g, () => shellQuote(dataset!));
}

export interface EvaluationRequest {
  root: string;
  cwd: string;
  command: string;
  /** Run name until the script names it. */
  name: string;
  /** Folder holding the bundled `trackside` Python package. */
  clientPath?: string;
  env?: NodeJS.ProcessEnv;
  onOutput(text: string): void;
}

export interface EvaluationDone {
  runId: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export async function runEvaluation(req: EvaluationRequest): Promise<EvaluationDone> {
  const { id, dir } = newRunFolder(req.root);
  const git = await gitInfo(req.cwd);
  appendEvent(dir, {
    type: 'run',
    source: 'gate',
    name: req.name,
    experiment: 'gate',
    job: 'evaluation',
    command: req.command,
    cwd: req.cwd,
    host: hostname(),
    ...(git ? { git: { commit: git.commit, branch: git.branch, dirty: git.dirty } } : {}),
  });
  appendEvent(dir, { type: 'status', status: 'running' });
  const clientPath = req.clientPath && existsSync(join(req.clientPath, 'trackside')) ? req.clientPath : undefined;
  const env = buildChildEnv({ runDir: dir, clientPath, env: { ...(req.env ?? {}), TRACKSIDE_HOME: req.root } });
  const log = new OutputLog(join(dir, 'files', 'output.log'));
  const started = Date.now();
  const child = spawn(req.command, { cwd: req.cwd, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  if (child.pid !== undefined) {
    // A gate killed mid-way leaves a run that recovery can tell is gone.
    writePidFile(dir, describeProcess(child.pid));
    appendEvent(dir, { type: 'run', source: 'gate', pid: child.pid });
  }
  // Each stream decodes on its own, so a character split across chunks survives.
  const forward = (stream: NodeJS.ReadableStream): void => {
    const dec = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const text = dec.write(chunk);
      if (text) req.onOutput(text);
    });
    stream.on('end', () => {
      const rest = dec.end();
      if (rest) req.onOutput(rest);
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const done = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e.message }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  log.close();
  const ok = done.code === 0;
  const error = ok ? undefined : (done.error ?? (done.signal ? `Terminated by ${done.signal}` : `exited with code ${done.code}`));
  appendEvent(dir, { type: 'status', status: ok ? 'finished' : 'failed', exit_code: done.code, ...(error ? { error } : {}), duration_ms: Date.now() - started });
  return { runId: id, exitCode: done.code, signal: done.signal };
}
