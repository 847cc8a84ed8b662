// The Runs Table over the team index: the same columns as the local table (TableColumns), read
// from PostgreSQL in four set-wise statements; ids carry the "team:" prefix and names say who
// pushed the run (as the Run panel does). Its filter is the query language compiled for
// PostgreSQL, every value a parameter.
import { fromTeamId, toTeamId } from '../core/team/teamId';
import type { TeamDb } from '../core/team/teamDb';
import { PgParams, compileTeamQuery } from '../core/team/teamQuery';
import type { TableData } from '../protocol/tableData';
import { type RunRow, TableColumns, paramValue } from '../views/tableRows';

type TeamRunRow = { rid: number; id: string; name: string | null; experiment: string | null; status: string; started: number | null; ended: number | null; updated: number | null; note: string | null; sweep: string | null; pushed_by: string };

/** Every team run that is not deleted (or only those of `ids`, "team:<id>", or the newest `limit`), newest first. */
export async function teamTableRows(db: TeamDb, ids?: readonly string[], limit?: number): Promise<TableData> {
  const p = new PgParams();
  const only = ids !== undefined ? `AND r.id = ANY(${p.add(ids.map(fromTeamId), 'text[]')})` : '';
  const page = limit !== undefined ? `LIMIT ${p.add(Math.max(0, Math.floor(limit)), 'int8')}` : '';
  const runs = await db.query<TeamRunRow>(
    `SELECT r.rid, r.id, r.name, r.experiment, r.status, coalesce(r.started, r.created) AS started, r.ended, r.updated, r.note, r.sweep, r.pushed_by
     FROM trackside.runs r WHERE r.deleted = 0 ${only} ORDER BY coalesce(r.started, r.created) DESC NULLS LAST, r.id COLLATE "C" DESC ${page}`,
    p.values,
  );
  const rows = runs.map((r): RunRow => [r.rid, toTeamId(r.id), `${r.name ?? r.id} (${r.pushed_by})`, r.experiment, r.status, r.started, r.ended, r.updated, r.note, r.sweep]);
  const table = new TableColumns(rows);
  if (rows.length === 0) return table.data();
  // A page or a few runs read their own rows; the whole table reads every row of the live runs.
  const some = ids !== undefined || limit !== undefined;
  const scope = some ? 'x.rid = ANY($1::int8[])' : 'x.rid IN (SELECT rid FROM trackside.runs WHERE deleted = 0)';
  const args = some ? [runs.map((r) => r.rid)] : [];
  const [tags, params, metrics] = await Promise.all([
    db.query<{ rid: number; tag: string }>(`SELECT x.rid, x.tag FROM trackside.tags x WHERE ${scope} ORDER BY x.rid, x.tag COLLATE "C"`, args),
    db.query<{ rid: number; key: string; value: string | null; num: number | null }>(`SELECT x.rid, x.key, x.value, x.num FROM trackside.params x WHERE ${scope}`, args),
    db.query<{ rid: number; key: string; last: number | null; min: number | null; max: number | null }>(
      `SELECT x.rid, k.key, x.last, x.min, x.max FROM trackside.summaries x JOIN trackside.metric_keys k ON k.kid = x.kid WHERE ${scope}`,
      args,
    ),
  ]);
  for (const t of tags) table.tag(t.rid, t.tag);
  for (const x of params) table.param(x.rid, x.key, paramValue(x.value, x.num));
  for (const m of metrics) table.metric(m.rid, m.key, m.last, m.min, m.max);
  return table.data();
}

/** The team runs ("team:<id>") a filter query selects; a QueryError when it is not a query. */
export async function teamMatchingRunIds(db: TeamDb, query: string): Promise<string[]> {
  const p = new PgParams();
  const cond = query.trim() ? compileTeamQuery(query, p) : 'TRUE';
  const rows = await db.query<{ id: string }>(`SELECT r.id FROM trackside.runs r WHERE r.deleted = 0 AND (${cond})`, p.values);
  return rows.map((r) => toTeamId(r.id));
}
