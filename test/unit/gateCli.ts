// Test helper: `trackside gate` (and the other commands) run as a pipeline runs them, a
// child process from the source, with a clean CI environment unless told otherwise.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'src/cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CI_VARS = ['TRACKSIDE_HOME', 'TRACKSIDE_RUN_DIR', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT', 'GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_SHA', 'CI_JOB_URL', 'CI_COMMIT_SHA', 'BUILD_URL', 'GIT_COMMIT'];

export function trackside(cwd: string, args: string[], env: Record<string, string> = {}, timeout = 180_000): CliResult {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of CI_VARS) delete base[k];
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
