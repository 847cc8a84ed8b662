// Reads of runs from the team index, in the shapes the local index gives (runQueries.ts,
// metricQueries.ts), so the CLI, the panels and Python show a team run like a local one.
// Every listing is paged and reads the runs, tags and summaries tables only.
import { AmbiguousRunError, UnknownRunError } from '../errors';
import type { ParamValue, RunStatus } from '../events';
import { type MetricSummary, type MetricSummaryRow, toSummary } from '../metricQueries';
import { type ArtifactInfo, type CodeFileInfo, type DatasetInfo, type FileInfo, type ImageInfo, type RunDetail, type RunInfo, type RunOrderBy, type RunRow as LocalRunRow, toRunInfo } from '../runQueries';
import type { TeamDb } from './teamDb';
import { PgParams, compileTeamQuery } from './teamQuery';

/** A team run as listed: the local shape, plus who pushed it. */
export interface TeamRunInfo extends RunInfo {
  pushedBy: string;
  pushedHost: string;
}

export interface TeamRunDetail extends RunDetail {
  pushedBy: string;
  pushedHost: string;
}

export interface TeamFilter {
  experiment?: string | null;
  status?: RunStatus | RunStatus[];
  tag?: string;
  /** Runs pushed by this OS user. */
  pushedBy?: string;
  includeDeleted?: boolean;
  /** The query language (compileQuery's), compiled for PostgreSQL. */
  query?: string;
  /** "Now" for relative times in the query (unix ms). */
  now?: number;
}

export interface TeamListOptions extends TeamFilter {
  limit?: number;
  offset?: number;
  order?: { by: RunOrderBy; desc?: boolean };
}

// SQLite compares text byte by byte and NOCASE folds ASCII only: "C" collation and lower().
const ORDER_SQL: Record<RunOrderBy, string> = {
  started: 'coalesce(r.started, r.created)',
  ended: 'r.ended',
  updated: 'r.updated',
  name: 'lower(coalesce(r.name, r.id)) COLLATE "C"',
  experiment: 'lower(r.experiment) COLLATE "C"',
  status: 'r.status COLLATE "C"',
  duration: '(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))',
};

const RUN_COLUMNS = `r.rid, r.id, r.name, r.experiment, r.status, r.exit_code, r.error,
  coalesce(r.started, r.created) AS started, r.ended, r.updated, r.note, r.deleted, r.host, r.pid, r.source, r.job, r.imported, r.parent, r.sweep,
  (SELECT coalesce(json_agg(t.tag ORDER BY t.tag COLLATE "C"), '[]'::json) FROM trackside.tags t WHERE t.rid = r.rid) AS tags,
  r.pushed_by, r.pushed_host`;

interface RunRow extends LocalRunRow {
  tags: string[];
  pushed_by: string;
  pushed_host: string;
}

function toTeamRunInfo(r: RunRow): TeamRunInfo {
  return { ...toRunInfo(r), pushedBy: r.pushed_by, pushedHost: r.pushed_host };
}

function where(f: TeamFilter, p: PgParams): string {
  const parts: string[] = [];
  if (!f.includeDeleted) parts.push('r.deleted = 0');
  if (f.experiment === null) parts.push('r.experiment IS NULL');
  else if (f.experiment !== undefined) parts.push(`r.experiment = ${p.add(f.experiment, 'text')}`);
  if (f.status !== undefined) parts.push(`r.status = ANY(${p.add(Array.isArray(f.status) ? f.status : [f.status], 'text[]')})`);
  if (f.tag !== undefined) parts.push(`EXISTS (SELECT 1 FROM trackside.tags WHERE rid = r.rid AND tag = ${p.add(f.tag, 'text')})`);
  if (f.pushedBy !== undefined) parts.push(`r.pushed_by = ${p.add(f.pushedBy, 'text')}`);
  if (f.query?.trim()) parts.push(`(${compileTeamQuery(f.query, p, { now: f.now })})`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** One page of team runs matching the filter (default newest first). */
export async function listTeamRuns(db: TeamDb, opts: TeamListOptions = {}): Promise<TeamRunInfo[]> {
  const p = new PgParams();
  const cond = where(opts, p);
  const by = opts.order?.by ?? 'started';
  const orderSql = ORDER_SQL[by];
  if (!orderSql) throw new Error(`Unknown run order: ${String(by)}`);
  const dir = (opts.order?.desc ?? by === 'started') ? 'DESC' : 'ASC';
  const limit = p.add(Math.max(0, opts.limit ?? 100), 'int8');
  const offset = p.add(Math.max(0, opts.offset ?? 0), 'int8');
  const rows = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM trackside.runs r ${cond} ORDER BY ${orderSql} ${dir} NULLS LAST, r.id COLLATE "C" ${dir} LIMIT ${limit} OFFSET ${offset}`,
    p.values,
  );
  return rows.map(toTeamRunInfo);
}

export async function countTeamRuns(db: TeamDb, filter: TeamFilter = {}): Promise<number> {
  const p = new PgParams();
  const rows = await db.query<{ n: number }>(`SELECT count(*) AS n FROM trackside.runs r ${where(filter, p)}`, p.values);
  return rows[0].n;
}

export interface TeamGroup {
  experiment: string | null;
  person: string;
  runs: number;
  running: number;
}

/** Team runs matching the filter (non-deleted by default), counted by experiment, then by who pushed them. */
export async function teamGroups(db: TeamDb, filter: TeamFilter = {}): Promise<TeamGroup[]> {
  const p = new PgParams();
  return db.query<TeamGroup>(
    `SELECT r.experiment, r.pushed_by AS person, count(*) AS runs, count(*) FILTER (WHERE r.status = 'running') AS running
     FROM trackside.runs r ${where(filter, p)} GROUP BY r.experiment, r.pushed_by
     ORDER BY lower(r.experiment) COLLATE "C" NULLS FIRST, r.pushed_by COLLATE "C"`,
    p.values,
  );
}

/** An exact id, else a unique id prefix, else a unique name. Throws UnknownRunError or AmbiguousRunError. */
export async function resolveTeamRun(db: TeamDb, ref: string): Promise<string> {
  if ((await db.query('SELECT 1 FROM trackside.runs WHERE id = $1', [ref])).length) return ref;
  const byPrefix = (await db.query<{ id: string }>('SELECT id FROM trackside.runs WHERE starts_with(id, $1) ORDER BY id COLLATE "C" LIMIT 50', [ref])).map((r) => r.id);
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) throw new AmbiguousRunError(ref, byPrefix);
  const byName = (await db.query<{ id: string }>('SELECT id FROM trackside.runs WHERE name = $1 ORDER BY id COLLATE "C" LIMIT 50', [ref])).map((r) => r.id);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new AmbiguousRunError(ref, byName);
  throw new UnknownRunError(ref);
}

/** Every metric of a team run (by its rid), sorted by key. */
export async function teamSummaries(db: TeamDb, rid: number): Promise<MetricSummary[]> {
  const rows = await db.query<MetricSummaryRow>(
    `SELECT k.key, s.count, s.nans, s.min, s.max, s.first_step, s.last_step, s.last, s.t
     FROM trackside.summaries s JOIN trackside.metric_keys k ON k.kid = s.kid WHERE s.rid = $1 ORDER BY k.key COLLATE "C"`,
    [rid],
  );
  return rows.map(toSummary);
}

/** The rid of a team run id, or undefined. */
export async function teamRid(db: TeamDb, id: string): Promise<number | undefined> {
  return (await db.query<{ rid: number }>('SELECT rid FROM trackside.runs WHERE id = $1', [id]))[0]?.rid;
}

/** Everything the team index knows of one run, or undefined. */
export async function getTeamRun(db: TeamDb, id: string): Promise<TeamRunDetail | undefined> {
  const row = (
    await db.query<RunRow & { command: string | null; cwd: string | null; script: string | null; git_commit: string | null; git_branch: string | null; git_dirty: number | null; git_diff: string | null; python_executable: string | null; python_version: string | null; log_offset: number; log_lines: number; log_bad: number }>(
      `SELECT ${RUN_COLUMNS}, r.command, r.cwd, r.script, r.git_commit, r.git_branch, r.git_dirty, r.git_diff,
         r.python_executable, r.python_version, r.log_offset, r.log_lines, r.log_bad
       FROM trackside.runs r WHERE r.id = $1`,
      [id],
    )
  )[0];
  if (!row) return undefined;
  const rid = row.rid;
  const [params, metrics, artifacts, artifactFiles, datasets, datasetFiles, images, code, bad] = await Promise.all([
    db.query<{ key: string; value: string }>('SELECT key, value FROM trackside.params WHERE rid = $1 ORDER BY key COLLATE "C"', [rid]),
    teamSummaries(db, rid),
    db.query<Omit<ArtifactInfo, 'files'> & { aid: number }>('SELECT aid, name, kind, hash, size, source, t FROM trackside.artifacts WHERE rid = $1 ORDER BY aid', [rid]),
    db.query<FileInfo & { aid: number }>(
      'SELECT f.aid, f.path, f.hash, f.size FROM trackside.artifact_files f JOIN trackside.artifacts a ON a.aid = f.aid WHERE a.rid = $1 ORDER BY f.path COLLATE "C"',
      [rid],
    ),
    db.query<Omit<DatasetInfo, 'files' | 'columns'> & { did: number; columns: string | null }>('SELECT did, name, path, hash, size, columns, t FROM trackside.datasets WHERE rid = $1 ORDER BY did', [rid]),
    db.query<FileInfo & { did: number }>(
      'SELECT f.did, f.path, f.hash, f.size FROM trackside.dataset_files f JOIN trackside.datasets d ON d.did = f.did WHERE d.rid = $1 ORDER BY f.path COLLATE "C"',
      [rid],
    ),
    db.query<ImageInfo>('SELECT key, step, hash, format, size, width, height, t FROM trackside.images WHERE rid = $1 ORDER BY key COLLATE "C", step', [rid]),
    db.query<CodeFileInfo>('SELECT path, hash, size, root FROM trackside.code_files WHERE rid = $1 ORDER BY path COLLATE "C"', [rid]),
    db.query<{ line: number; message: string }>('SELECT line, message FROM trackside.bad_lines WHERE rid = $1 ORDER BY line', [rid]),
  ]);
  const filesOf = <K extends 'aid' | 'did'>(rows: (FileInfo & Record<K, number>)[], k: K, id: number): FileInfo[] =>
    rows.filter((f) => f[k] === id).map((f) => ({ path: f.path, hash: f.hash, size: f.size }));
  const hasGit = row.git_commit !== null || row.git_branch !== null || row.git_dirty !== null || row.git_diff !== null;
  const hasPython = row.python_executable !== null || row.python_version !== null;
  return {
    ...toTeamRunInfo(row),
    command: row.command === null ? null : (JSON.parse(row.command) as string[] | string),
    cwd: row.cwd,
    script: row.script,
    git: hasGit ? { commit: row.git_commit, branch: row.git_branch, dirty: row.git_dirty === null ? null : row.git_dirty !== 0, diff: row.git_diff } : null,
    python: hasPython ? { executable: row.python_executable, version: row.python_version } : null,
    // Own properties, also for a key named "__proto__".
    params: Object.fromEntries(params.map((p) => [p.key, JSON.parse(p.value) as ParamValue])),
    metrics,
    artifacts: artifacts.map(({ aid, ...a }) => ({ ...a, files: filesOf(artifactFiles, 'aid', aid) })),
    images,
    datasets: datasets.map(({ did, columns, ...d }) => ({ ...d, columns: columns === null ? null : JSON.parse(columns), files: filesOf(datasetFiles, 'did', did) })),
    code,
    log: { bytes: row.log_offset, lines: row.log_lines, badCount: row.log_bad, bad },
  };
}

/** Last value of each metric of several team runs (sys/ keys left out unless asked). */
export async function teamLatestValues(db: TeamDb, ids: readonly string[], opts: { includeSys?: boolean } = {}): Promise<Map<string, Record<string, number>>> {
  const rows = await db.query<{ id: string; key: string; last: number | null }>(
    `SELECT r.id, k.key, s.last FROM trackside.runs r JOIN trackside.summaries s ON s.rid = r.rid JOIN trackside.metric_keys k ON k.kid = s.kid
     WHERE r.id = ANY($1::text[]) ORDER BY r.id, k.key COLLATE "C"`,
    [ids],
  );
  const out = new Map<string, Record<string, number>>(ids.map((id) => [id, {}]));
  for (const r of rows) {
    if (!opts.includeSys && r.key.startsWith('sys/')) continue;
    Object.defineProperty(out.get(r.id)!, r.key, { value: r.last ?? Number.NaN, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The metric shown beside each run in a list, chosen as the local explorer chooses
 * (primaryMetric): the run's preferred key when it logged it, else its first val/, test/ or
 * eval/ metric, else its first logged one (by first step, then key id); sys/ keys only when
 * preferred. `preferred` is per rid (an experiment's pinned key, or the setting).
 */
export async function teamPrimaryMetrics(db: TeamDb, preferred: ReadonlyMap<number, string>): Promise<Map<number, { key: string; value: number }>> {
  const rows = await db.query<{ rid: number; key: string; last: number | null }>(
    `SELECT DISTINCT ON (s.rid) s.rid, k.key, s.last FROM unnest($1::int8[], $2::text[]) AS u(rid, preferred)
     JOIN trackside.summaries s ON s.rid = u.rid JOIN trackside.metric_keys k ON k.kid = s.kid
     WHERE k.key = u.preferred OR left(k.key, 4) <> 'sys/'
     ORDER BY s.rid, (k.key = u.preferred) DESC,
       CASE WHEN left(k.key, 4) = 'val/' THEN 0 WHEN left(k.key, 5) = 'test/' THEN 1 WHEN left(k.key, 5) = 'eval/' THEN 2 ELSE 3 END,
       s.first_step, s.kid`,
    [[...preferred.keys()], [...preferred.values()]],
  );
  return new Map(rows.map((r) => [r.rid, { key: r.key, value: r.last ?? Number.NaN }]));
}

/** Rids of team runs by id (for the per-run reads above). */
export async function teamRids(db: TeamDb, ids: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ id: string; rid: number }>('SELECT id, rid FROM trackside.runs WHERE id = ANY($1::text[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.rid]));
}
