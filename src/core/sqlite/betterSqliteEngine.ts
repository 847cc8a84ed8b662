// The engine over better-sqlite3 (a native module: it loads only in the Node ABI it was built
// for, which is why it is the second choice in editors on another Node).
import type { Database as Db, Statement as BStatement } from 'better-sqlite3';
import type { Engine, EngineDriver, OpenOptions, Reader, RunResult, Statement } from './engine';

type BetterSqlite = new (file: string, opts?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => Db;

const enum Mode {
  Rows,
  Pluck,
  Raw,
}

class BetterStatement implements Statement {
  private mode = Mode.Rows;
  private readonly plucked: Reader<unknown>;
  private readonly rawRows: Reader<unknown[]>;

  constructor(private readonly s: BStatement) {
    this.plucked = this.view<unknown>(Mode.Pluck);
    this.rawRows = this.view<unknown[]>(Mode.Raw);
  }

  private as(mode: Mode): BStatement {
    if (this.mode !== mode && this.s.reader) {
      if (mode === Mode.Pluck) this.s.pluck(true);
      else if (mode === Mode.Raw) this.s.raw();
      else if (this.mode === Mode.Pluck) this.s.pluck(false);
      else this.s.raw(false);
      this.mode = mode;
    }
    return this.s;
  }

  private view<R>(mode: Mode): Reader<R> {
    return {
      get: (...p) => this.as(mode).get(...p) as R | undefined,
      all: (...p) => this.as(mode).all(...p) as R[],
      iterate: (...p) => this.as(mode).iterate(...p) as IterableIterator<R>,
    };
  }

  run(...p: unknown[]): RunResult {
    const r = this.s.run(...p);
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }
  get(...p: unknown[]): unknown {
    return this.as(Mode.Rows).get(...p);
  }
  all(...p: unknown[]): unknown[] {
    return this.as(Mode.Rows).all(...p);
  }
  iterate(...p: unknown[]): IterableIterator<unknown> {
    return this.as(Mode.Rows).iterate(...p);
  }
  pluck(): Reader<unknown> {
    return this.plucked;
  }
  raw(): Reader<unknown[]> {
    return this.rawRows;
  }
}

class BetterEngine implements Engine {
  readonly name = 'better-sqlite3';
  constructor(
    private readonly db: Db,
    readonly sqliteVersion: string,
  ) {}
  prepare(sql: string): Statement {
    return new BetterStatement(this.db.prepare(sql));
  }
  exec(sql: string): void {
    this.db.exec(sql);
  }
  get isOpen(): boolean {
    return this.db.open;
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The driver, given the loaded module (loading it is the caller's, as it can fail). */
export function betterSqliteDriver(Database: BetterSqlite): EngineDriver {
  const probe = new Database(':memory:');
  const version = (probe.prepare('SELECT sqlite_version()').pluck().get() as string) ?? '';
  probe.close();
  return {
    name: 'better-sqlite3',
    sqliteVersion: version,
    open(file: string, opts: OpenOptions = {}): Engine {
      const readonly = opts.readonly === true;
      return new BetterEngine(new Database(file, { readonly, fileMustExist: readonly, timeout: 5000 }), version);
    },
  };
}
