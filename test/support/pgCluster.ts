// A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp folder, the
// server on 127.0.0.1 and a free port, password logins (scram-sha-256), stopped and removed
// at the end. PostgreSQL refuses to run as root, so as root the cluster runs as an
// unprivileged user (nobody, or a system user made for it).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.TRACKSIDE_PG_BIN ?? findBin();
export const ADMIN = 'trackside_admin';
export const ADMIN_PASSWORD = 'admin-secret';

function findBin(): string {
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return '/usr/lib/postgresql/15/bin';
}

/** The unprivileged user the server runs as when we are root (created when missing). */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['nobody', 'trackside-pg']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
      return { name, uid: Number(r.stdout.trim()), gid };
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'trackside-pg']);
  return serverUser();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  port: number;
  /** postgres://USER@127.0.0.1:PORT/DB (no password). */
  url(user?: string, database?: string): string;
  /** Runs SQL as the administrator (psql), returns its output. */
  psql(sql: string, opts?: { user?: string; password?: string; database?: string }): string;
  /** Makes a login role with a password, granted `group` (trackside_writer / trackside_reader) when given. */
  addUser(name: string, password: string, group?: string): void;
  restart(mode?: 'fast' | 'immediate'): void;
  /** Stops the server, keeping its data (start() brings it back). */
  down(): void;
  start(): void;
  /** Stops the server for good and removes its folder. */
  stop(): void;
  dir: string;
}

const running = new Set<Cluster>();
process.on('exit', () => {
  for (const c of running) c.stop();
});

export async function startCluster(opts: { database?: string; settings?: Record<string, string> } = {}): Promise<Cluster> {
  const base = mkdtempSync(join(tmpdir(), 'trackside-pg-'));
  chmodSync(base, 0o755);
  const pgDir = join(base, 'pg');
  mkdirSync(pgDir);
  const user = serverUser();
  const pwFile = join(pgDir, 'pw');
  writeFileSync(pwFile, `${ADMIN_PASSWORD}\n`);
  if (user) {
    chownSync(pgDir, user.uid, user.gid);
    chownSync(pwFile, user.uid, user.gid);
  }
  const as = (cmd: string, args: string[]): ReturnType<typeof spawnSync> => {
    const [exe, argv] = user ? ['runuser', ['-u', user.name, '--', join(BIN, cmd), ...args]] : [join(BIN, cmd), args];
    return spawnSync(exe, argv, { cwd: pgDir, encoding: 'utf8' });
  };
  const data = join(pgDir, 'data');
  const init = as('initdb', ['-D', data, '-U', ADMIN, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '-N']);
  if (init.status !== 0) throw new Error(`initdb failed: ${String(init.stderr)}`);
  const port = await freePort();
  const settings = { max_connections: '100', ...opts.settings };
  const options = [`-p ${port}`, "-h 127.0.0.1", "-k ''", ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const log = join(pgDir, 'server.log');
  const database = opts.database ?? 'team';
  const env = { ...process.env, PGPASSWORD: ADMIN_PASSWORD };
  const cluster: Cluster = {
    port,
    dir: base,
    url: (u = ADMIN, db = database) => `postgres://${u}@127.0.0.1:${port}/${db}`,
    psql(sql, o = {}) {
      const r = spawnSync(join(BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-t', '-A', '-h', '127.0.0.1', '-p', String(port), '-U', o.user ?? ADMIN, '-d', o.database ?? database, '-c', sql], {
        encoding: 'utf8',
        env: { ...env, PGPASSWORD: o.password ?? ADMIN_PASSWORD },
      });
      if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
      return r.stdout.trim();
    },
    addUser(name, password, group) {
      cluster.psql(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
      if (group) cluster.psql(`GRANT ${group} TO ${name}`);
    },
    start() {
      const r = as('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${String(r.stderr)}${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`);
      running.add(cluster);
    },
    down() {
      as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    stop() {
      if (!running.delete(cluster)) return;
      as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(base, { recursive: true, force: true });
    },
    restart(mode = 'fast') {
      const r = as('pg_ctl', ['-D', data, '-l', log, '-o', options, '-m', mode, '-w', '-t', '60', 'restart']);
      if (r.status !== 0) throw new Error(`pg_ctl restart failed: ${String(r.stderr)}`);
    },
  };
  cluster.start();
  cluster.psql(`CREATE DATABASE ${database}`, { database: 'postgres' });
  return cluster;
}
