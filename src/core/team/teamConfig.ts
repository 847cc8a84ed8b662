// Where the team index and the team's blob folder are: a postgres:// URL without the
// password (settings, TRACKSIDE_TEAM_URL) and a folder every machine sees (TRACKSIDE_TEAM_BLOBS).
// The password comes from PGPASSWORD, ~/.pgpass, or the editor's secret storage, never the URL.
import { readFileSync } from 'node:fs';
import { TeamError } from './teamErrors';

export interface TeamConfig {
  /** postgres://user@host:port/database?sslmode=… (no password). */
  url: string;
  /** The team's blob folder (blobs/sha256/… inside it, as under .trackside); needed to push and to fetch files. */
  blobs?: string;
  /** From the editor's secret storage; otherwise PGPASSWORD or ~/.pgpass. Never logged. */
  password?: string;
}

export interface TeamTarget {
  user: string;
  host: string;
  port: number;
  database: string;
  /** "user@host:port/database", for messages. */
  text: string;
}

/**
 * Checks a team URL and says what it points at. Throws TeamError('config') for anything
 * but a postgres:// URL, and for a URL carrying a password (it would end up in settings).
 */
export function teamTarget(url: string, env: NodeJS.ProcessEnv = process.env): TeamTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TeamError('config', 'the team index URL is not a URL: use postgres://USER@HOST:PORT/DATABASE');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new TeamError('config', `the team index URL must start with postgres:// (found ${u.protocol}//)`);
  }
  if (u.password) {
    throw new TeamError('config', 'the team index URL holds a password: remove it and use PGPASSWORD, ~/.pgpass or "Trackside: Connect to Team Index…"');
  }
  const user = decodeURIComponent(u.username) || env.PGUSER || env.USER || 'postgres';
  const host = u.hostname || env.PGHOST || 'localhost';
  const port = Number(u.port || env.PGPORT || 5432);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  return { user, host, port, database, text: `${user}@${host}:${port}/${database}` };
}

/** The CLI's and Python's team settings: TRACKSIDE_TEAM_URL and TRACKSIDE_TEAM_BLOBS. */
export function teamConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TeamConfig {
  const url = env.TRACKSIDE_TEAM_URL?.trim();
  if (!url) throw new TeamError('config', 'no team index configured: set TRACKSIDE_TEAM_URL=postgres://USER@HOST:PORT/DATABASE');
  const blobs = env.TRACKSIDE_TEAM_BLOBS?.trim();
  return { url, blobs: blobs || undefined };
}

export interface PgConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  ssl: false | { rejectUnauthorized: boolean; ca?: string; checkServerIdentity?: () => undefined };
  connectionTimeoutMillis?: number;
}

/**
 * Connection settings from a team URL, sslmode as libpq reads it: disable, allow and prefer
 * connect without TLS; require encrypts without checking the certificate; verify-ca checks
 * it against sslrootcert (or the system's CAs); verify-full also checks the host name.
 */
export function pgConnection(url: string, env: NodeJS.ProcessEnv = process.env, readFile: (p: string) => string = readText): PgConnection {
  const target = teamTarget(url, env);
  const q = new URL(url).searchParams;
  const mode = q.get('sslmode') ?? env.PGSSLMODE ?? 'prefer';
  const rootCert = q.get('sslrootcert') ?? env.PGSSLROOTCERT;
  const ca = rootCert ? readFile(rootCert) : undefined;
  let ssl: PgConnection['ssl'];
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      ssl = false;
      break;
    case 'require':
      ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
      ssl = { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
      break;
    case 'verify-full':
      ssl = { rejectUnauthorized: true, ca };
      break;
    default:
      throw new TeamError('config', `the team index URL has sslmode=${mode}: use disable, prefer, require, verify-ca or verify-full`);
  }
  const timeout = Number(q.get('connect_timeout') ?? env.PGCONNECT_TIMEOUT ?? 10);
  return {
    host: q.get('host') ?? target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    ssl,
    connectionTimeoutMillis: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : 10_000,
  };
}

function readText(p: string): string {
  return readFileSync(p, 'utf8');
}
