// Runs a command to completion and captures its output, with a timeout. Never rejects:
// a missing binary, a timeout or a non-zero exit are all results the caller inspects.
import { execFile } from 'node:child_process';

export interface ExecResult {
  /** Exit code; null when it could not start, timed out or died from a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not finish normally: "ENOENT", "timeout", "maxBuffer", a signal name… */
  error?: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  maxBuffer?: number;
}

export function execText(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env,
        timeout: opts.timeoutMs ?? 10_000,
        maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        let why = typeof e.code === 'string' ? e.code : (e.signal ?? e.message);
        if (e.killed) why = 'timeout';
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') why = 'maxBuffer';
        resolve({ code: null, stdout, stderr, error: why });
      },
    );
  });
}
