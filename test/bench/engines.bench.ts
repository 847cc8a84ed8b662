// Both SQLite engines side by side on the same work: the storage suites (ingest, a 1M-point
// series view, a 3-predicate query over 100,000 runs, each against the bare SQL on that
// engine) run again on Node 24, the Node of VS Code 1.139.1's extension host, once with
// node:sqlite and once with better-sqlite3 built for Node 24. The suites' own run is the
// engine this Node picks (better-sqlite3 on Node 20). Decides AUTO_ORDER.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Figure } from './report';

const REPO = resolve(__dirname, '../..');
const CACHE = process.env.TRACKSIDE_CACHE ?? join(homedir(), '.cache', 'trackside');
const SUITES = 'ingest.bench,series.bench,query.bench';

/** Node 24 (provisioned with VS Code 1.139.1) and a better-sqlite3 built for it (once, cached). */
function node24(): { node: string; betterSqlite3: string } {
  const dir = execFileSync('bash', [join(REPO, 'scripts/provision-code-server.sh'), '4.139.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const node = join(dir, 'node');
  const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").dependencies)'], { cwd: REPO, encoding: 'utf8' })) as Record<string, string>)['better-sqlite3'];
  const prefix = join(CACHE, `better-sqlite3-${version}-node24`);
  const pkg = join(prefix, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'))) {
    mkdirSync(prefix, { recursive: true });
    const nodeHome = dirname(dirname(execFileSync(node, ['-p', 'process.execPath'], { encoding: 'utf8' }).trim()));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, `better-sqlite3@${version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}`, npm_config_nodedir: nodeHome },
    });
  }
  return { node, betterSqlite3: pkg };
}

function suitesOn(node: string, engine: string, label: string, env: Record<string, string> = {}): Figure[] {
  const r = spawnSync(node, ['--import', 'tsx', join(__dirname, 'run.ts'), '--json', '--only', SUITES, '--tag', label], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env, TRACKSIDE_SQLITE_ENGINE: engine },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Figure);
}

export async function run(): Promise<Figure[]> {
  const { node, betterSqlite3 } = node24();
  return [
    ...suitesOn(node, 'builtin', 'node:sqlite, Node 24'),
    ...suitesOn(node, 'better-sqlite3', 'better-sqlite3, Node 24', { TRACKSIDE_BENCH_BETTER_SQLITE3: betterSqlite3 }),
  ];
}
