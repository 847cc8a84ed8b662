// The SQLite index: one connection, WAL, cached prepared statements, schema migrations.
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { indexPath } from './paths';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { CorruptIndexError, isCorruptionError } from './errors';

export interface Store {
  readonly db: Db;
  /** The `.trackside` folder. */
  readonly root: string;
  /** Path of index.db. */
  readonly path: string;
  /**
   * A prepared statement, prepared once per connection and shared by every caller using the
   * same SQL text (so a statement set to `.pluck()` must always be used that way).
   */
  stmt(sql: string): Statement;
  /** Metric key → key id, filled as keys are read or created. */
  readonly keyIds: Map<string, number>;
  close(): void;
}

/**
 * Opens (creating if needed) `<root>/index.db` and brings its schema up to date. Cheap:
 * statements are prepared on first use. Throws CorruptIndexError when the file is not a
 * usable Trackside index (the remedy is a rebuild).
 */
export function openIndex(root: string, file: string = indexPath(root)): Store {
  let db: Db;
  try {
    db = new Database(file, { timeout: 5000 });
  } catch (e) {
    if (isCorruptionError(e)) throw new CorruptIndexError(file, (e as Error).message);
    throw e;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32768');
    migrate(db, file);
  } catch (e) {
    db.close();
    if (isCorruptionError(e)) throw new CorruptIndexError(file, (e as Error).message);
    throw e;
  }
  const stmts = new Map<string, Statement>();
  return {
    db,
    root,
    path: file,
    keyIds: new Map(),
    stmt(sql: string): Statement {
      let s = stmts.get(sql);
      if (!s) {
        s = db.prepare(sql);
        stmts.set(sql, s);
      }
      return s;
    },
    close(): void {
      stmts.clear();
      if (db.open) db.close();
    },
  };
}

function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new CorruptIndexError(file, `schema version ${version} is newer than this Trackside's ${SCHEMA_VERSION}`);
  }
  if (version === 0) {
    // An empty version-0 file is new; anything else at version 0 is not ours.
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw new CorruptIndexError(file, 'not a Trackside index');
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** The integer id of a metric key, creating it if `create`. */
export function keyId(store: Store, key: string, create: true): number;
export function keyId(store: Store, key: string, create: false): number | undefined;
export function keyId(store: Store, key: string, create: boolean): number | undefined {
  const cached = store.keyIds.get(key);
  if (cached !== undefined) return cached;
  let kid = store.stmt('SELECT kid FROM metric_keys WHERE key = ?').pluck().get(key) as number | undefined;
  if (kid === undefined) {
    if (!create) return undefined;
    kid = Number(store.stmt('INSERT INTO metric_keys (key) VALUES (?)').run(key).lastInsertRowid);
  }
  store.keyIds.set(key, kid);
  return kid;
}

/** The integer id of a run, or undefined. */
export function runRid(store: Store, id: string): number | undefined {
  return store.stmt('SELECT rid FROM runs WHERE id = ?').pluck().get(id) as number | undefined;
}
