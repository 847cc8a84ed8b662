// The Runs Table's data, by column, straight from the index tables (runs, tags, params,
// summaries): a few set-wise reads instead of one query per run. Pure: no editor API. The
// team index's table (worker/teamTable.ts) builds its columns with the same TableColumns.
import type { Store } from '../core/store';
import type { MetricColumn, ParamColumn, TableData } from '../protocol/tableData';
import type { RunStatusView } from '../protocol/runView';

export type RunRow = [rid: number, id: string, name: string | null, experiment: string | null, status: string, started: number | null, ended: number | null, updated: number | null, note: string | null, sweep: string | null];

/** Every run that is not deleted (or only those of `ids`, or the newest `limit`), newest first. */
export function tableRows(store: Store, ids?: readonly string[], limit?: number): TableData {
  // A few runs read only their own rows (rid lists bound as one JSON array).
  const some = ids !== undefined || limit !== undefined;
  const args = ids !== undefined ? [JSON.stringify(ids)] : [];
  return store.transaction(() => {
    const rows = store
      .stmt(
        `SELECT rid, id, name, experiment, status, coalesce(started, created), ended, updated, note, sweep FROM runs
         WHERE deleted = 0 ${ids !== undefined ? 'AND id IN (SELECT value FROM json_each(?))' : ''} ORDER BY coalesce(started, created) DESC, id DESC
         ${limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(limit))}` : ''}`,
      )
      .raw()
      .all(...args) as RunRow[];
    const table = new TableColumns(rows);
    if (rows.length === 0) return table.data();
    const ridScope = some ? 'WHERE rid IN (SELECT value FROM json_each(?))' : '';
    const ridArgs = some ? [JSON.stringify(rows.map((r) => r[0]))] : [];
    for (const [rid, tag] of store.stmt(`SELECT rid, tag FROM tags ${ridScope} ORDER BY rid, tag`).raw().all(...ridArgs) as [number, string][]) table.tag(rid, tag);
    // Params as one JSON object per run, spelled by SQLite from the stored JSON texts (numbers
    // keep every digit): far fewer values cross into JS than a row per param. Only a number JSON
    // cannot spell (stored as "null" beside its num) comes from num. A run whose object does
    // not parse (a stored text that is not JSON) is read param by param.
    const paramObjects = store
      .stmt(
        `SELECT rid, '{' || group_concat(json_quote(key) || ':' || CASE WHEN value = 'null' AND num IS NOT NULL THEN json_quote(num) ELSE coalesce(value, 'null') END, ',') || '}'
         FROM params ${ridScope} GROUP BY rid`,
      )
      .raw()
      .all(...ridArgs) as [number, string][];
    for (const [rid, json] of paramObjects) {
      let values: Record<string, unknown>;
      try {
        values = JSON.parse(json) as Record<string, unknown>;
      } catch {
        for (const [key, value, num] of store.stmt('SELECT key, value, num FROM params WHERE rid = ?').raw().all(rid) as [string, string | null, number | null][]) table.param(rid, key, paramValue(value, num));
        continue;
      }
      for (const key in values) table.param(rid, key, values[key]);
    }
    const keys: string[] = [];
    for (const [kid, key] of store.stmt('SELECT kid, key FROM metric_keys').raw().all() as [number, string][]) keys[kid] = key;
    // Summaries a column at a time (in key order, within this transaction): plain arrays of numbers, not an array per row.
    const column = <T>(c: string) => store.stmt(`SELECT ${c} FROM summaries ${ridScope} ORDER BY rid, kid`).pluck().all(...ridArgs) as T[];
    const [rids, kids, last, min, max] = [column<number>('rid'), column<number>('kid'), column<number | null>('last'), column<number | null>('min'), column<number | null>('max')];
    for (let i = 0; i < rids.length; i++) table.metric(rids[i], keys[kids[i]] ?? String(kids[i]), last[i], min[i], max[i]);
    return table.data();
  });
}

/**
 * The table's columns, filled cell by cell: the runs' rows (in table order), then their tags,
 * params and metric summaries in any order (cells of other runs are skipped).
 */
export class TableColumns {
  private readonly index = new Map<number, number>();
  private readonly n: number;
  private readonly table: TableData;
  /** Params: a column is numeric while every value it has is a number. */
  private readonly params = new Map<string, { nums: Float64Array; texts: (string | null)[] | undefined }>();
  private readonly metrics = new Map<string, MetricColumn>();

  constructor(rows: readonly RunRow[]) {
    this.n = rows.length;
    rows.forEach((r, i) => this.index.set(r[0], i));
    this.table = {
      ids: rows.map((r) => r[1]),
      names: rows.map((r) => r[2] ?? r[1]),
      status: rows.map((r) => r[4] as RunStatusView),
      experiment: rows.map((r) => r[3]),
      sweeps: rows.map((r) => r[9]),
      started: Float64Array.from(rows, (r) => r[5] ?? Number.NaN),
      duration: Float64Array.from(rows, (r) => {
        const end = r[6] ?? r[7];
        return r[5] !== null && end !== null ? Math.max(0, end - r[5]) : Number.NaN;
      }),
      tags: rows.map(() => [] as string[]),
      notes: rows.map((r) => r[8]),
      params: [],
      metrics: [],
    };
  }

  tag(rid: number, tag: string): void {
    const i = this.index.get(rid);
    if (i !== undefined) this.table.tags[i].push(tag);
  }

  /** A param's value as logged (parsed from its JSON). */
  param(rid: number, key: string, value: unknown): void {
    const i = this.index.get(rid);
    if (i === undefined) return;
    let col = this.params.get(key);
    if (!col) this.params.set(key, (col = { nums: new Float64Array(this.n).fill(Number.NaN), texts: undefined }));
    if (typeof value === 'number' && col.texts === undefined) {
      col.nums[i] = value;
      return;
    }
    if (col.texts === undefined) col.texts = Array.from(col.nums, (v) => (v === v ? String(v) : null));
    col.texts[i] = paramText(value);
  }

  metric(rid: number, key: string, last: number | null, min: number | null, max: number | null): void {
    const i = this.index.get(rid);
    if (i === undefined) return;
    let col = this.metrics.get(key);
    if (!col) {
      col = { key, has: new Uint8Array(this.n), last: new Float64Array(this.n), min: new Float64Array(this.n), max: new Float64Array(this.n) };
      col.last.fill(Number.NaN);
      col.min.fill(Number.NaN);
      col.max.fill(Number.NaN);
      this.metrics.set(key, col);
    }
    col.has[i] = 1;
    col.last[i] = last ?? Number.NaN;
    col.min[i] = min ?? Number.NaN;
    col.max[i] = max ?? Number.NaN;
  }

  data(): TableData {
    this.table.params = [...this.params]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, c]): ParamColumn => (c.texts ? { key, kind: 'text', values: c.texts } : { key, kind: 'number', values: c.nums }));
    this.table.metrics = [...this.metrics.values()].sort((a, b) => metricOrder(a.key) - metricOrder(b.key) || a.key.localeCompare(b.key));
    return this.table;
  }
}

function paramText(v: unknown): string | null {
  return v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** A param as an index stores it (JSON text, and the number when it is one), parsed. */
export function paramValue(json: string | null, num: number | null): unknown {
  if (num !== null) return num;
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** System metrics after the rest. */
function metricOrder(key: string): number {
  return key.startsWith('sys/') ? 1 : 0;
}
