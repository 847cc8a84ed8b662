// The Runs Table's data, by column, straight from the index tables (runs, tags, params,
// summaries): a few set-wise reads instead of one query per run. Pure: no editor API. The
// team index's table (worker/teamTable.ts) builds its columns with the same tableOf.
import type { Store } from '../core/store';
import type { MetricColumn, ParamColumn, TableData } from '../protocol/tableData';
import type { RunStatusView } from '../protocol/runView';

export type RunRow = [rid: number, id: string, name: string | null, experiment: string | null, status: string, started: number | null, ended: number | null, updated: number | null, note: string | null, sweep: string | null];

/** Every run that is not deleted (or only those of `ids`, or the newest `limit`), newest first. */
export function tableRows(store: Store, ids?: readonly string[], limit?: number): TableData {
  // A few runs read only their own rows (rid lists bound as one JSON array).
  const some = ids !== undefined || limit !== undefined;
  const args = ids !== undefined ? [JSON.stringify(ids)] : [];
  const rows = store
    .stmt(
      `SELECT rid, id, name, experiment, status, coalesce(started, created), ended, updated, note, sweep FROM runs
       WHERE deleted = 0 ${ids !== undefined ? 'AND id IN (SELECT value FROM json_each(?))' : ''} ORDER BY coalesce(started, created) DESC, id DESC
       ${limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(limit))}` : ''}`,
    )
    .raw()
    .all(...args) as RunRow[];
  const ridScope = some ? 'WHERE rid IN (SELECT value FROM json_each(?))' : '';
  const ridArgs = some ? [JSON.stringify(rows.map((r) => r[0]))] : [];
  if (rows.length === 0) return tableOf(rows, [], [], []);
  const keys = new Map((store.stmt('SELECT kid, key FROM metric_keys').raw().all() as [number, string][]).map(([kid, key]) => [kid, key]));
  const metrics = function* (): Generator<MetricRow> {
    for (const [rid, kid, last, min, max] of store.stmt(`SELECT rid, kid, last, min, max FROM summaries ${ridScope}`).raw().iterate(...ridArgs) as IterableIterator<
      [number, number, number | null, number | null, number | null]
    >) {
      yield [rid, keys.get(kid) ?? String(kid), last, min, max];
    }
  };
  // Params as one JSON object per run, built by SQLite: far fewer values cross into JS than
  // a row per param. The stored JSON text is embedded as it is, so numbers keep every digit;
  // only a number JSON cannot spell (stored as "null" beside its num) comes from num.
  const paramObjects = store
    .stmt(
      `SELECT rid, json_group_object(key, CASE WHEN num IS NOT NULL AND value = 'null' THEN num WHEN json_valid(value) THEN json(value) ELSE value END)
       FROM params ${ridScope} GROUP BY rid`,
    )
    .raw()
    .all(...ridArgs) as [number, string][];
  const params = function* (): Generator<ParamCell> {
    for (const [rid, json] of paramObjects) {
      const values = JSON.parse(json) as Record<string, unknown>;
      for (const key in values) yield [rid, key, values[key]];
    }
  };
  return tableOf(
    rows,
    store.stmt(`SELECT rid, tag FROM tags ${ridScope} ORDER BY rid, tag`).raw().all(...ridArgs) as TagRow[],
    params(),
    metrics(),
  );
}

export type TagRow = [rid: number, tag: string];
/** A param's value as logged (parsed from its JSON). */
export type ParamCell = [rid: number, key: string, value: unknown];
export type MetricRow = [rid: number, key: string, last: number | null, min: number | null, max: number | null];

/** The table's columns from its runs' rows (in table order) and their tags, params and summaries (rows of other runs are skipped). */
export function tableOf(rows: readonly RunRow[], tags: Iterable<TagRow>, paramCells: Iterable<ParamCell>, metricRows: Iterable<MetricRow>): TableData {
  const n = rows.length;
  const index = new Map<number, number>();
  rows.forEach((r, i) => index.set(r[0], i));

  const data: TableData = {
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
  if (n === 0) return data;

  for (const [rid, tag] of tags) {
    const i = index.get(rid);
    if (i !== undefined) data.tags[i].push(tag);
  }

  // Params: a column is numeric when every value it has is a number.
  const params = new Map<string, { nums: Float64Array; texts: (string | null)[] | undefined }>();
  for (const [rid, key, value] of paramCells) {
    const i = index.get(rid);
    if (i === undefined) continue;
    let col = params.get(key);
    if (!col) params.set(key, (col = { nums: new Float64Array(n).fill(Number.NaN), texts: undefined }));
    if (typeof value === 'number' && col.texts === undefined) {
      col.nums[i] = value;
      continue;
    }
    if (col.texts === undefined) col.texts = Array.from(col.nums, (v) => (v === v ? String(v) : null));
    col.texts[i] = paramText(value);
  }
  data.params = [...params]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, c]): ParamColumn => (c.texts ? { key, kind: 'text', values: c.texts } : { key, kind: 'number', values: c.nums }));

  const metrics = new Map<string, MetricColumn>();
  for (const [rid, key, last, min, max] of metricRows) {
    const i = index.get(rid);
    if (i === undefined) continue;
    let col = metrics.get(key);
    if (!col) {
      col = { key, has: new Uint8Array(n), last: new Float64Array(n), min: new Float64Array(n), max: new Float64Array(n) };
      col.last.fill(Number.NaN);
      col.min.fill(Number.NaN);
      col.max.fill(Number.NaN);
      metrics.set(key, col);
    }
    col.has[i] = 1;
    col.last[i] = last ?? Number.NaN;
    col.min[i] = min ?? Number.NaN;
    col.max[i] = max ?? Number.NaN;
  }
  data.metrics = [...metrics.values()].sort((a, b) => metricOrder(a.key) - metricOrder(b.key) || a.key.localeCompare(b.key));
  return data;
}

function paramText(v: unknown): string | null {
  return v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** A param as an index stores it (JSON text, and the number when it is one) as its value. */
export function paramCell(rid: number, key: string, json: string | null, num: number | null): ParamCell {
  if (num !== null) return [rid, key, num];
  if (json === null) return [rid, key, null];
  try {
    return [rid, key, JSON.parse(json) as unknown];
  } catch {
    return [rid, key, json];
  }
}

/** System metrics after the rest. */
function metricOrder(key: string): number {
  return key.startsWith('sys/') ? 1 : 0;
}
