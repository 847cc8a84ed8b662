// The SQLite index: one connection on the process's engine, WAL, cached prepared statements,
// schema migrations, transactions.
import { indexPath } from './paths';
import { MIGRATIONS, SCHEMA_VERSION, SWEEP_COLUMN_VERSION } from './schema';
import { fillSweepColumn } from './sweeps/sweepColumn';
import { CorruptIndexError, isCorruptionError } from './errors';
import type { Engine, EngineDriver, Statement } from './sqlite/engine';
import { processEngine } from './sqlite/loadEngine';

export type TransactionMode = 'deferred' | 'immediate';

export interface Store {
  readonly engine: Engine;
  /** The `.trackside` folder. */
  readonly root: string;
  /** Path of index.db. */
  readonly path: string;
  /** A prepared statement, prepared once per connection and shared by every caller using the same SQL text. */
  stmt(sql: string): Statement;
  /**
   * Runs `fn` in a transaction (a savepoint when one is open already): committed when it
   * returns, rolled back when it throws.
   */
  transaction<T>(fn: () => T, mode?: TransactionMode): T;
  /** The value of a pragma, e.g. `pragma('user_version')`. */
  pragma(name: string): unknown;
  /** Metric key → key id, filled as keys are read or created. */
  readonly keyIds: Map<string, number>;
  close(): void;
}

export interface OpenIndexOptions {
  /** The engine to open it with (default: the process's, see sqlite/loadEngine). */
  driver?: EngineDriver;
}

/**
 * Opens (creating if needed) `<root>/index.db` and brings its schema up to date. Cheap:
 * statements are prepared on first use. Throws CorruptIndexError when the file is not a
 * usable Trackside index (the remedy is a rebuild).
 */
export function openIndex(root: string, file: string = indexPath(root), opts: OpenIndexOptions = {}): Store {
  const driver = opts.driver ?? processEngine().driver;
  let engine: Engine;
  try {
    engine = driver.open(file);
  } catch (e) {
    if (isCorruptionError(e)) throw new CorruptIndexError(file, (e as Error).message);
    throw e;
  }
  const store = storeOn(engine, root, file);
  try {
    engine.exec('PRAGMA journal_mode = WAL');
    engine.exec('PRAGMA synchronous = NORMAL');
    engine.exec('PRAGMA temp_store = MEMORY');
    engine.exec('PRAGMA cache_size = -32768');
    migrate(store, file);
  } catch (e) {
    engine.close();
    if (isCorruptionError(e)) throw new CorruptIndexError(file, (e as Error).message);
    throw e;
  }
  return store;
}

function storeOn(engine: Engine, root: string, file: string): Store {
  const stmts = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = stmts.get(sql);
    if (!s) {
      s = engine.prepare(sql);
      stmts.set(sql, s);
    }
    return s;
  };
  let depth = 0;
  return {
    engine,
    root,
    path: file,
    keyIds: new Map(),
    stmt,
    transaction<T>(fn: () => T, mode: TransactionMode = 'deferred'): T {
      if (depth > 0) {
        const name = `sp${depth}`;
        engine.exec(`SAVEPOINT ${name}`);
        depth++;
        try {
          const result = fn();
          engine.exec(`RELEASE ${name}`);
          return result;
        } catch (e) {
          engine.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
          throw e;
        } finally {
          depth--;
        }
      }
      stmt(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN').run();
      depth = 1;
      try {
        const result = fn();
        stmt('COMMIT').run();
        return result;
      } catch (e) {
        try {
          stmt('ROLLBACK').run();
        } catch {
          // No transaction left to roll back (SQLite ended it on the error).
        }
        throw e;
      } finally {
        depth = 0;
      }
    },
    pragma(name: string): unknown {
      return stmt(`PRAGMA ${name}`).pluck().get();
    },
    close(): void {
      stmts.clear();
      engine.close();
    },
  };
}

function migrate(store: Store, file: string): void {
  const version = store.pragma('user_version') as number;
  if (version > SCHEMA_VERSION) {
    throw new CorruptIndexError(file, `schema version ${version} is newer than this Trackside's ${SCHEMA_VERSION}`);
  }
  if (version === 0) {
    // An empty version-0 file is new; anything else at version 0 is not ours.
    const tables = store.stmt("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
    if (tables > 0) throw new CorruptIndexError(file, 'not a Trackside index');
  }
  if (version === SCHEMA_VERSION) return;
  store.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) store.engine.exec(MIGRATIONS[v]);
    if (version > 0 && version < SWEEP_COLUMN_VERSION) fillSweepColumn(store);
    store.engine.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }, 'immediate');
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
    kid = store.stmt('INSERT INTO metric_keys (key) VALUES (?)').run(key).lastInsertRowid;
  }
  store.keyIds.set(key, kid);
  return kid;
}

/** The integer id of a run, or undefined. */
export function runRid(store: Store, id: string): number | undefined {
  return store.stmt('SELECT rid FROM runs WHERE id = ?').pluck().get(id) as number | undefined;
}
