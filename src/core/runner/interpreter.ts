// Finds a Python that actually runs: the first candidate that answers a tiny probe.
import { execText } from './execText';

export interface Interpreter {
  /** The candidate as given (a path or a command name on PATH). */
  command: string;
  /** sys.executable: the real binary, spawned for runs and recorded with them. */
  executable: string;
  /** "3.11.7" */
  version: string;
}

export interface CandidateFailure {
  candidate: string;
  reason: string;
}

export class InterpreterNotFoundError extends Error {
  override readonly name = 'InterpreterNotFoundError';
  constructor(readonly failures: readonly CandidateFailure[]) {
    super(
      failures.length === 0
        ? 'No Python interpreter was configured.'
        : `No usable Python interpreter: ${failures.map((f) => `${f.candidate} (${f.reason})`).join('; ')}. ` +
            'Set "trackside.pythonPath" or select an environment in the Python extension.',
    );
  }
}

export interface ResolveOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Lowest accepted version, default [3, 8]. */
  minVersion?: readonly [number, number];
}

const PROBE = 'import sys;print(sys.version.split()[0]);print(sys.executable)';

export async function resolveInterpreter(candidates: readonly string[], opts: ResolveOptions = {}): Promise<Interpreter> {
  const failures: CandidateFailure[] = [];
  const min = opts.minVersion ?? [3, 8];
  for (const candidate of candidates.map((c) => c.trim()).filter((c) => c !== '')) {
    const res = await execText(candidate, ['-c', PROBE], { cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs ?? 15_000 });
    if (res.code !== 0) {
      failures.push({ candidate, reason: describeFailure(res.code, res.error, res.stderr) });
      continue;
    }
    const [version = '', executable = ''] = res.stdout.split(/\r?\n/).map((l) => l.trim());
    const m = /^(\d+)\.(\d+)/.exec(version);
    if (!m) {
      failures.push({ candidate, reason: `unexpected answer ${JSON.stringify(res.stdout.slice(0, 80))}` });
      continue;
    }
    const [major, minor] = [Number(m[1]), Number(m[2])];
    if (major < min[0] || (major === min[0] && minor < min[1])) {
      failures.push({ candidate, reason: `Python ${version} is older than ${min[0]}.${min[1]}` });
      continue;
    }
    // sys.executable may be empty in embedded setups; the candidate then runs as given.
    return { command: candidate, executable: executable || candidate, version };
  }
  throw new InterpreterNotFoundError(failures);
}

function describeFailure(code: number | null, error: string | undefined, stderr: string): string {
  if (error === 'ENOENT') return 'not found';
  if (error === 'EACCES') return 'not executable';
  if (error === 'timeout') return 'did not answer in time';
  const last = stderr.trim().split(/\r?\n/).pop();
  if (code !== null) return `exited with code ${code}${last ? `: ${last}` : ''}`;
  return error ?? 'failed';
}
