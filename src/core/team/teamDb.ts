// A connection pool to the team index (PostgreSQL through `pg`, no ORM). Statements name
// the `trackside` schema's tables in full; bigint columns come back as numbers; errors come
// back as plain TeamErrors where they are a known situation.
import pg from 'pg';
import { type TeamConfig, type TeamTarget, pgConnection, teamTarget } from './teamConfig';
import { TeamError, teamError } from './teamErrors';
import { TEAM_SCHEMA_VERSION } from './teamSchema';
import { pgSafeAll } from './teamText';

export type TeamClient = pg.PoolClient;

export interface TeamDb {
  readonly target: TeamTarget;
  /** The team's blob folder, when configured. */
  readonly blobs: string | undefined;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** One session for several statements (a transaction is the caller's). */
  withClient<T>(fn: (c: TeamClient) => Promise<T>, writing?: boolean): Promise<T>;
  /** `fn` in a transaction: committed when it returns, rolled back when it throws. */
  tx<T>(fn: (c: TeamClient) => Promise<T>, writing?: boolean): Promise<T>;
  /** Throws a TeamError unless the index has this Trackside's schema (checked once). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

// ids and counts are bigint: numbers here (all of them stay far below 2^53).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * A client whose socket is closed when connecting fails: a login the client gives up on
 * (no password to answer with) would otherwise keep the socket, and the process, until
 * the server's authentication timeout.
 */
class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error) => void): void;
  override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
    const close = (err: Error | undefined): void => {
      if (err) (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    };
    if (callback) {
      super.connect((err: Error) => {
        close(err);
        callback(err);
      });
      return;
    }
    return super.connect().catch((err: Error) => {
      close(err);
      throw err;
    });
  }
}

export interface OpenTeamOptions {
  /** Connections kept at most (default 4). */
  max?: number;
}

export function openTeam(config: TeamConfig, opts: OpenTeamOptions = {}): TeamDb {
  const target = teamTarget(config.url);
  const pool = new pg.Pool({
    ...pgConnection(config.url),
    // undefined: pg takes PGPASSWORD, else ~/.pgpass
    password: config.password,
    max: opts.max ?? 4,
    idleTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'trackside',
    // Compiling a plan to machine code costs seconds on a query of many conditions and
    // saves nothing on queries that take milliseconds.
    options: '-c jit=off',
    types,
    Client: ClosingClient,
  });
  // A broken idle connection is dropped by the pool; the next request opens another.
  pool.on('error', () => undefined);
  pool.on('connect', (c) => c.on('error', () => undefined));
  const wrap = (e: unknown, writing: boolean): unknown => teamError(e, target.text, writing);
  let checked: Promise<void> | undefined;

  const withClient = async <T>(fn: (c: TeamClient) => Promise<T>, writing = false): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw wrap(e, writing);
    }
    let broken: unknown;
    try {
      return await fn(client);
    } catch (e) {
      broken = e;
      throw wrap(e, writing);
    } finally {
      // A connection that broke (not a statement the server refused) is not handed out again.
      client.release(broken !== undefined && !isServerError(broken) ? (broken as Error) : undefined);
    }
  };

  const db: TeamDb = {
    target,
    blobs: config.blobs,
    async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
      const values = pgSafeAll(params);
      try {
        return (await pool.query(sql, values)).rows as R[];
      } catch (e) {
        if (!droppedConnection(e)) throw wrap(e, false);
      }
      // A pooled connection the server dropped (a restart) fails once; a new one is asked
      // again. Statements sent this way are reads or idempotent upserts.
      try {
        return (await pool.query(sql, values)).rows as R[];
      } catch (e) {
        throw wrap(e, false);
      }
    },
    withClient,
    tx<T>(fn: (c: TeamClient) => Promise<T>, writing = false): Promise<T> {
      return withClient(async (c) => {
        await c.query('BEGIN');
        try {
          const result = await fn(c);
          await c.query('COMMIT');
          return result;
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }, writing);
    },
    ready(): Promise<void> {
      checked ??= checkSchema(db).catch((e: unknown) => {
        checked = undefined;
        throw e;
      });
      return checked;
    },
    async close(): Promise<void> {
      await pool.end().catch(() => undefined);
    },
  };
  return db;
}

/** An error the server answered with (a SQLSTATE code): the connection itself is fine. */
function isServerError(e: unknown): boolean {
  if (e instanceof TeamError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** The server ended the session (shut down, restarted) or the socket broke. */
function droppedConnection(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err?.code === '57P01' || err?.code === '57P02' || err?.code === 'ECONNRESET' || err?.code === 'EPIPE') return true;
  return typeof err?.message === 'string' && /Connection terminated unexpectedly|Client has encountered a connection error/.test(err.message);
}

async function checkSchema(db: TeamDb): Promise<void> {
  const rows = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM trackside.migrations');
  const v = rows[0]?.v ?? 0;
  const at = db.target.text;
  if (v === 0) throw new TeamError('noSchema', `the team index at ${at} has no Trackside schema yet: run "trackside team init" (as an administrator)`);
  if (v < TEAM_SCHEMA_VERSION) {
    throw new TeamError('oldSchema', `the team index at ${at} has schema version ${v}, this Trackside needs ${TEAM_SCHEMA_VERSION}: run "trackside team init" (as an administrator) to upgrade it`);
  }
  if (v > TEAM_SCHEMA_VERSION) {
    throw new TeamError('newSchema', `the team index at ${at} has schema version ${v}, newer than this Trackside's ${TEAM_SCHEMA_VERSION}: update Trackside`);
  }
}
