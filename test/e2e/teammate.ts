// A team for the e2e tests: a throwaway PostgreSQL with the schema (`team init`) and one writer
// login, and a teammate's folder with a store of its own (a .trackside in a folder above, such
// as the temp folder, would be found first), from which runs are made and pushed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, type Cluster, startCluster } from '../support/pgCluster.ts';
import { repoRoot } from './paths.ts';

/** Runs a command without the test runner's Trackside and PostgreSQL variables; a non-zero exit fails the test. */
export function run(cwd: string, command: string, args: string[], env: Record<string, string | undefined> = {}): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, TRACKSIDE_HOME: undefined, TRACKSIDE_RUN_DIR: undefined, PGPASSWORD: undefined, ...env } });
  assert.equal(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
}

/** The trackside command line as built (dist/cli.js). */
export function cli(cwd: string, args: string[], env: Record<string, string | undefined> = {}): void {
  run(cwd, process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], env);
}

export interface Teammate {
  cluster: Cluster;
  /** The writer's postgres:// URL (no password). */
  url: string;
  /** The teammate's workspace folder, and its store. */
  folder: string;
  store: string;
  /** `trackside push` of the teammate's runs and models. */
  push(): void;
  stop(): void;
}

export async function startTeammate(user: string, password: string, blobs: string): Promise<Teammate> {
  const cluster = await startCluster();
  const folder = mkdtempSync(join(tmpdir(), 'trackside-e2e-teammate-'));
  const stop = (): void => {
    cluster.stop();
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(folder, '.trackside'));
    cli(tmpdir(), ['team', 'init'], { TRACKSIDE_TEAM_URL: cluster.url(), PGPASSWORD: ADMIN_PASSWORD });
    cluster.addUser(user, password, 'trackside_writer');
  } catch (e) {
    stop();
    throw e;
  }
  const url = cluster.url(user);
  return { cluster, url, folder, store: join(folder, '.trackside'), push: () => cli(folder, ['push'], { TRACKSIDE_TEAM_URL: url, TRACKSIDE_TEAM_BLOBS: blobs, PGPASSWORD: password }), stop };
}
