// Writes many rows through multi-row INSERT statements (`VALUES (…), (…), …`): one call into
// SQLite per `perStatement` rows instead of one per row, which is most of ingest's cost.
import type { Statement } from './sqlite/engine';
import type { Store } from './store';

export class MultiRowInsert {
  private readonly args: unknown[];
  private n = 0;
  private rows = 0;
  private full: Statement | undefined;

  /**
   * @param head `INSERT … INTO table (cols) VALUES` without the tuples
   * @param width columns per row
   * @param tail SQL after the tuples (an ON CONFLICT clause), or ''
   */
  constructor(
    private readonly store: Store,
    private readonly head: string,
    private readonly width: number,
    private readonly tail = '',
    private readonly perStatement = 64,
  ) {
    this.args = new Array(width * perStatement);
  }

  /** Adds one cell of the current row; call `endRow()` after `width` cells. */
  cell(value: unknown): void {
    this.args[this.n++] = value;
  }

  endRow(): void {
    if (++this.rows === this.perStatement) {
      this.full ??= this.store.stmt(this.sql(this.rows));
      this.full.run(...this.args);
      this.n = 0;
      this.rows = 0;
    }
  }

  /** Writes the rows still held. Rows are written in the order they were added. */
  flush(): void {
    if (this.rows === 0) return;
    this.store.stmt(this.sql(this.rows)).run(...this.args.slice(0, this.n));
    this.n = 0;
    this.rows = 0;
  }

  private sql(rows: number): string {
    const tuple = `(${new Array(this.width).fill('?').join(', ')})`;
    return `${this.head} ${new Array(rows).fill(tuple).join(', ')} ${this.tail}`;
  }
}
