// Which rows the table shows and in what order: the filter box (free text, status:x, tag:x)
// and a multi-column sort, over row indices of the columnar data. Pure: no DOM.
import { parseRunFilter } from '../../src/core/display';
import type { SortKey } from '../../src/protocol/tablePanel';
import type { TableData } from '../../src/protocol/tableData';
import type { Column } from './columns';

/** Indices of the rows matching the query, in data order. */
export function filterRows(d: TableData, query: string): number[] {
  const f = parseRunFilter(query);
  const words = (f.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const statuses = f.statuses;
  const tags = f.tags.map((t) => t.toLowerCase());
  const out: number[] = [];
  for (let i = 0; i < d.ids.length; i++) {
    if (statuses.length && !statuses.includes(d.status[i])) continue;
    if (tags.length) {
      const own = d.tags[i].map((t) => t.toLowerCase());
      if (!tags.every((t) => own.includes(t))) continue;
    }
    if (words.length) {
      const hay = `${d.names[i]}\n${d.ids[i]}\n${d.experiment[i] ?? ''}\n${d.tags[i].join('\n')}\n${d.notes[i] ?? ''}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) continue;
    }
    out.push(i);
  }
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
