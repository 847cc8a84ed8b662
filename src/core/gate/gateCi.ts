// The CI run a gate ran in: its commit and URL (GitHub Actions, GitLab, Jenkins), and the
// GitHub Actions step summary and outputs.
import { appendFileSync } from 'node:fs';
import { execText } from '../runner/execText';

export interface CiRun {
  commit: string | null;
  url: string | null;
}

/** The CI run's URL from the environment, when there is one. */
export function ciUrl(env: NodeJS.ProcessEnv): string | null {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (server && run) return repo ? `${server}/${repo}/actions/runs/${run}` : `${server}/actions/runs/${run}`;
  return env.CI_JOB_URL || env.BUILD_URL || null;
}

/** The commit under test: the CI's, else the working tree's HEAD. */
export async function ciRun(env: NodeJS.ProcessEnv, cwd: string): Promise<CiRun> {
  let commit = env.GITHUB_SHA || env.CI_COMMIT_SHA || env.GIT_COMMIT || null;
  if (!commit) {
    const r = await execText('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd, env: { ...env, GIT_OPTIONAL_LOCKS: '0' }, timeoutMs: 5_000 });
    commit = r.code === 0 ? r.stdout.trim() || null : null;
  }
  return { commit, url: ciUrl(env) };
}

/**
 * Under GitHub Actions: the report appended to the job's step summary, and the verdict,
 * exit code and report path as step outputs (`steps.<id>.outputs.verdict`).
 */
export function writeGithubOutputs(env: NodeJS.ProcessEnv, markdown: string, outputs: Record<string, string>): void {
  if (env.GITHUB_ACTIONS !== 'true') return;
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown.trimEnd()}\n\n`);
  if (env.GITHUB_OUTPUT) {
    const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}\n`);
    appendFileSync(env.GITHUB_OUTPUT, lines.join(''));
  }
}
