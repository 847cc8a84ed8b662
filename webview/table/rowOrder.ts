// Which rows the table shows and in what order: the runs the filter query selected (the
// host's index evaluates it) and a multi-column sort, over row indices of the columnar data.
// Pure: no DOM.
import type { SortKey } from '../../src/protocol/tablePanel';
import type { TableData } from '../../src/protocol/tableData';
import type { Column } from './columns';

/** Indices of the rows of the runs in `matches` (every row without one), in data order. */
export function filterRows(d: TableData, matches: ReadonlySet<string> | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < d.ids.length; i++) if (!matches || matches.has(d.ids[i])) out.push(i);
  return out;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Text columns sort by a rank computed once per column (distinct values ordered by a natural
 * collation), so a sort compares numbers, not strings.
 */
export class SortRanks {
  private readonly ranks = new Map<string, Float64Array>();

  constructor(readonly rowCount: number) {}

  rank(col: Column): Float64Array {
    let r = this.ranks.get(col.id);
    if (r) return r;
    r = new Float64Array(this.rowCount);
    const str = col.str!;
    const distinct = new Map<string, number>();
    for (let i = 0; i < this.rowCount; i++) {
      const s = str(i);
      if (s !== null && s !== '' && !distinct.has(s)) distinct.set(s, 0);
    }
    const sorted = [...distinct.keys()].sort(collator.compare);
    sorted.forEach((s, k) => distinct.set(s, k));
    for (let i = 0; i < this.rowCount; i++) {
      const s = str(i);
      r[i] = s === null || s === '' ? Number.NaN : distinct.get(s)!;
    }
    this.ranks.set(col.id, r);
    return r;
  }
}

/** Sorts row indices in place by the keys in order; missing values (NaN, empty) last either way. */
export function sortRows(rows: number[], sort: SortKey[], columns: Map<string, Column>, ranks: SortRanks): number[] {
  const keys: { desc: boolean; values: Float64Array }[] = [];
  for (const s of sort) {
    const col = columns.get(s.column);
    if (!col) continue;
    let values: Float64Array;
    if (col.numeric) {
      // Each row's value read once, not once per comparison.
      values = new Float64Array(ranks.rowCount);
      for (const i of rows) values[i] = col.num!(i);
    } else values = ranks.rank(col);
    keys.push({ desc: s.desc, values });
  }
  if (keys.length === 0) return rows;
  rows.sort((a, b) => {
    for (const k of keys) {
      const x = k.values[a];
      const y = k.values[b];
      if (x === y) continue;
      if (x !== x) return 1;
      if (y !== y) return -1;
      return k.desc ? y - x : x - y;
    }
    return a - b;
  });
  return rows;
}
