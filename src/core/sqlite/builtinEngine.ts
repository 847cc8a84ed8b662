// The engine over Node's built-in `node:sqlite` (DatabaseSync): no native module to match, so
// it loads in any host whose Node has it (Node 22.13+, VS Code 1.101+ on the desktop).

/** The part of `node:sqlite` used here (typed locally: @types/node for Node 20 has none). */
export interface NodeSqlite {
  DatabaseSync: new (file: string, opts?: { readOnly?: boolean }) => NodeDb;
}
interface NodeDb {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeStatement {
  run(...p: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...p: unknown[]): unknown;
  all(...p: unknown[]): unknown[];
  iterate(...p: unknown[]): IterableIterator<unknown>;
  setReadBigInts(on: boolean): void;
  /** Node 22.16+ / 24. */
  setReturnArrays?(on: boolean): void;
}

import type { Engine, EngineDriver, OpenOptions, Reader, RunResult, Statement } from './engine';

type Row = Record<string, unknown>;

/** better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it. Bind the same. */
function bindable(p: unknown[]): unknown[] {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v === undefined) p[i] = null;
    else if (i === 0 && v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      const named: Row = {};
      for (const k in v as Row) named[k] = (v as Row)[k] ?? null;
      p[0] = named;
    }
  }
  return p;
}

/** An integer beyond 2^53 read back: node:sqlite throws where better-sqlite3 rounds. Round too. */
function isOutOfRange(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_OUT_OF_RANGE';
}

function toNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toNumbers);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Row = {};
    for (const k in v as Row) out[k] = toNumbers((v as Row)[k]);
    return out;
  }
  return v;
}

function firstValue(row: unknown): unknown {
  if (row === undefined) return undefined;
  if (Array.isArray(row)) return row[0];
  for (const k in row as Row) return (row as Row)[k];
  return undefined;
}

class BuiltinStatement implements Statement {
  private arrays = false;
  private readonly plucked: Reader<unknown>;
  private readonly rawRows: Reader<unknown[]>;
  private readonly canArrays: boolean;

  constructor(private readonly s: NodeStatement) {
    this.canArrays = typeof s.setReturnArrays === 'function';
    const shape = (row: unknown): unknown[] => (Array.isArray(row) ? row : Object.values(row as Row));
    this.plucked = {
      get: (...p) => firstValue(this.read(true, () => this.s.get(...bindable(p)))),
      all: (...p) => (this.read(true, () => this.s.all(...bindable(p))) as unknown[]).map(firstValue),
      iterate: (...p) => this.iterateAs(true, p, firstValue),
    };
    this.rawRows = {
      get: (...p) => {
        const row = this.read(true, () => this.s.get(...bindable(p)));
        return row === undefined ? undefined : shape(row);
      },
      all: (...p) => (this.read(true, () => this.s.all(...bindable(p))) as unknown[]).map(shape),
      iterate: (...p) => this.iterateAs(true, p, shape),
    };
  }

  private setArrays(on: boolean): void {
    if (this.canArrays && this.arrays !== on) {
      this.s.setReturnArrays!(on);
      this.arrays = on;
    }
  }

  private read(arrays: boolean, fn: () => unknown): unknown {
    this.setArrays(arrays);
    try {
      return fn();
    } catch (e) {
      if (!isOutOfRange(e)) throw e;
      this.s.setReadBigInts(true);
      try {
        return toNumbers(fn());
      } finally {
        this.s.setReadBigInts(false);
      }
    }
  }

  private *iterateAs<R>(arrays: boolean, p: unknown[], map: (row: unknown) => R): IterableIterator<R> {
    bindable(p);
    let yielded = 0;
    let big = false;
    for (;;) {
      this.setArrays(arrays);
      this.s.setReadBigInts(big);
      let skip = yielded;
      try {
        for (const row of this.s.iterate(...p)) {
          if (skip > 0) {
            skip--;
            continue;
          }
          yielded++;
          yield map(big ? toNumbers(row) : row);
        }
        return;
      } catch (e) {
        if (big || !isOutOfRange(e)) throw e;
        big = true; // again from the start with big integers read as BigInt, skipping what was given
      } finally {
        if (big) this.s.setReadBigInts(false);
      }
    }
  }

  run(...p: unknown[]): RunResult {
    const r = this.s.run(...bindable(p));
    return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
  }
  // Rows as plain objects, as better-sqlite3 gives them (node:sqlite's have no prototype).
  get(...p: unknown[]): unknown {
    const row = this.read(false, () => this.s.get(...bindable(p)));
    return row === undefined ? undefined : { ...(row as Row) };
  }
  all(...p: unknown[]): unknown[] {
    return (this.read(false, () => this.s.all(...bindable(p))) as Row[]).map((row) => ({ ...row }));
  }
  iterate(...p: unknown[]): IterableIterator<unknown> {
    return this.iterateAs(false, p, (row) => ({ ...(row as Row) }));
  }
  pluck(): Reader<unknown> {
    return this.plucked;
  }
  raw(): Reader<unknown[]> {
    return this.rawRows;
  }
}

class BuiltinEngine implements Engine {
  readonly name = 'builtin';
  private open = true;
  constructor(
    private readonly db: NodeDb,
    readonly sqliteVersion: string,
  ) {}
  prepare(sql: string): Statement {
    return new BuiltinStatement(this.db.prepare(sql));
  }
  exec(sql: string): void {
    this.db.exec(sql);
  }
  get isOpen(): boolean {
    return this.open;
  }
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.db.close();
  }
}

export function builtinDriver(sqlite: NodeSqlite): EngineDriver {
  const probe = new sqlite.DatabaseSync(':memory:');
  const version = String(firstValue(probe.prepare('SELECT sqlite_version()').get()));
  probe.close();
  return {
    name: 'builtin',
    sqliteVersion: version,
    open(file: string, opts: OpenOptions = {}): Engine {
      const db = new sqlite.DatabaseSync(file, opts.readonly ? { readOnly: true } : {});
      // better-sqlite3 is opened with a 5 s busy timeout; the same here.
      db.exec('PRAGMA busy_timeout = 5000');
      return new BuiltinEngine(db, version);
    },
  };
}
