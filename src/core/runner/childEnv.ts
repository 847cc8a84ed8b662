// The environment of a tracked run: the editor's (unless told otherwise), the run
// configuration's, and what Trackside needs: where to log, the bundled client on
// PYTHONPATH, and unbuffered output so the log and terminal are live.
import { delimiter } from 'node:path';

export interface ChildEnvOptions {
  runDir: string;
  /** Folder holding the bundled `trackside` package; prefixed to PYTHONPATH. */
  clientPath?: string;
  /** From the run configuration; an undefined value removes the variable. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Start from process.env (default true). */
  inherit?: boolean;
}

export function buildChildEnv(opts: ChildEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = opts.inherit === false ? {} : { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  env.TRACKSIDE_RUN_DIR = opts.runDir;
  if (opts.clientPath) {
    env.PYTHONPATH = env.PYTHONPATH ? `${opts.clientPath}${delimiter}${env.PYTHONPATH}` : opts.clientPath;
  }
  env.PYTHONUNBUFFERED = '1';
  // Output goes to a pipe, not a terminal: without this a non-UTF-8 locale breaks on the
  // first emoji or progress bar.
  env.PYTHONIOENCODING ??= 'utf-8';
  return env;
}
