// Read-side queries about runs, for the run explorer, the runs table, the run panel and the CLI.
// Every listing is paged and reads only the runs, tags and summaries tables.
import type { ParamValue, RunStatus } from './events';
import type { CompiledQuery } from './query/compile';
import { AmbiguousRunError, UnknownRunError } from './errors';
import { type MetricSummary, summaries } from './metricQueries';
import { type Store, runRid } from './store';

/** One run as listed: the runs row and its tags. Times are unix ms. */
export interface RunInfo {
  id: string;
  /** Display name; null when the run was never named (show the id). */
  name: string | null;
  experiment: string | null;
  status: RunStatus;
  exitCode: number | null;
  /** Traceback or reason of a failed/crashed run. */
  error: string | null;
  /** First event (or the folder's creation time when there is none yet). */
  started: number | null;
  /** Time of the last terminal status event; null while running. */
  ended: number | null;
  /** Time of the latest event. */
  updated: number | null;
  /** `(ended ?? updated) - started`: how long the log spans. */
  duration: number | null;
  note: string | null;
  tags: string[];
  deleted: boolean;
  host: string | null;
  pid: number | null;
  source: string | null;
  job: string | null;
  /** Where the run was imported from, when it was (its recorded command is not this machine's). */
  imported: string | null;
  /** Id of the run this one is nested under (a run event's `parent`), if any. */
  parent: string | null;
  /** Name of the sweep that started the run, if one did. */
  sweep: string | null;
}

export interface FileInfo {
  path: string;
  hash: string;
  size: number;
}

export interface ArtifactInfo {
  name: string;
  kind: string;
  hash: string;
  size: number;
  source: string | null;
  t: number | null;
  /** Files of a folder artifact; empty for a single file. */
  files: FileInfo[];
}

export interface ImageInfo {
  key: string;
  step: number;
  hash: string;
  format: string;
  size: number;
  width: number | null;
  height: number | null;
  t: number | null;
}

export interface DatasetInfo {
  name: string;
  path: string;
  hash: string;
  size: number;
  columns: unknown;
  t: number | null;
  files: FileInfo[];
}

export interface CodeFileInfo extends FileInfo {
  root: string | null;
}

/** Everything the index knows of one run. */
export interface RunDetail extends RunInfo {
  command: string[] | string | null;
  cwd: string | null;
  script: string | null;
  git: { commit: string | null; branch: string | null; dirty: boolean | null; diff: string | null } | null;
  python: { executable: string | null; version: string | null } | null;
  /** Params as logged (values parsed back from JSON). */
  params: Record<string, ParamValue | unknown>;
  /** One summary per metric key (sys/ keys included), sorted by key. */
  metrics: MetricSummary[];
  artifacts: ArtifactInfo[];
  images: ImageInfo[];
  datasets: DatasetInfo[];
  code: CodeFileInfo[];
  /** How far the log was read and its bad lines (the first 1000 kept with messages). */
  log: { bytes: number; lines: number; badCount: number; bad: { line: number; message: string }[] };
}

export type RunOrderBy = 'started' | 'ended' | 'updated' | 'name' | 'experiment' | 'status' | 'duration';

export interface RunFilter {
  /** Exact experiment; null selects runs without one. */
  experiment?: string | null;
  status?: RunStatus | RunStatus[];
  /** Runs carrying this tag. */
  tag?: string;
  /** Include runs marked deleted (default false). */
  includeDeleted?: boolean;
  /** A query-language condition (compileQuery), ANDed with the fields above. */
  where?: CompiledQuery;
  /** Only runs not nested under another run of the index (nested runs are listed with `parent`). */
  topLevel?: boolean;
  /** Only the runs nested under this run. */
  parent?: string;
}

export interface ListRunsOptions extends RunFilter {
  /** Page size (default 100). */
  limit?: number;
  offset?: number;
  /** Default: newest first ({ by: 'started', desc: true }); ties by id. */
  order?: { by: RunOrderBy; desc?: boolean };
}

export interface ExperimentInfo {
  /** null for runs without an experiment. */
  name: string | null;
  runs: number;
  running: number;
  /** Start of its latest run. */
  lastStarted: number | null;
}

const ORDER_SQL: Record<RunOrderBy, string> = {
  started: 'coalesce(r.started, r.created)',
  ended: 'r.ended',
  updated: 'r.updated',
  name: 'coalesce(r.name, r.id) COLLATE NOCASE',
  experiment: 'r.experiment COLLATE NOCASE',
  status: 'r.status',
  duration: '(coalesce(r.ended, r.updated) - coalesce(r.started, r.created))',
};

const RUN_COLUMNS = `r.rid, r.id, r.name, r.experiment, r.status, r.exit_code, r.error,
  coalesce(r.started, r.created) AS started, r.ended, r.updated, r.note, r.deleted, r.host, r.pid, r.source, r.job, r.imported, r.parent, r.sweep,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE rid = r.rid ORDER BY tag)) AS tags`;

/** A runs row as the local and the team index read it (tags: JSON text, or an array). */
export interface RunRow extends Omit<RunInfo, 'exitCode' | 'duration' | 'tags' | 'deleted'> {
  rid: number;
  exit_code: number | null;
  deleted: number;
  tags: string | string[];
}

export function toRunInfo(r: RunRow): RunInfo {
  const end = r.ended ?? r.updated;
  return {
    id: r.id,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    exitCode: r.exit_code,
    error: r.error,
    started: r.started,
    ended: r.ended,
    updated: r.updated,
    duration: r.started !== null && end !== null ? Math.max(0, end - r.started) : null,
    note: r.note,
    tags: typeof r.tags === 'string' ? (JSON.parse(r.tags) as string[]) : r.tags,
    deleted: r.deleted !== 0,
    host: r.host,
    pid: r.pid,
    source: r.source,
    job: r.job,
    imported: r.imported,
    parent: r.parent,
    sweep: r.sweep,
  };
}

function where(f: RunFilter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (!f.includeDeleted) parts.push('r.deleted = 0');
  if (f.experiment === null) parts.push('r.experiment IS NULL');
  else if (f.experiment !== undefined) {
    parts.push('r.experiment = @experiment');
    params.experiment = f.experiment;
  }
  if (f.status !== undefined) {
    const list = Array.isArray(f.status) ? f.status : [f.status];
    parts.push(`r.status IN (${list.map((_, i) => `@status${i}`).join(', ') || 'NULL'})`);
    list.forEach((s, i) => (params[`status${i}`] = s));
  }
  if (f.tag !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM tags WHERE rid = r.rid AND tag = @tag)');
    params.tag = f.tag;
  }
  if (f.where) {
    parts.push(`(${f.where.sql})`);
    Object.assign(params, f.where.params);
  }
  if (f.topLevel) parts.push('(r.parent IS NULL OR NOT EXISTS (SELECT 1 FROM runs p WHERE p.id = r.parent))');
  if (f.parent !== undefined) {
    parts.push('r.parent = @parent');
    params.parent = f.parent;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** One page of runs matching the filter. */
export function listRuns(store: Store, opts: ListRunsOptions = {}): RunInfo[] {
  const { sql, params } = where(opts);
  const by = opts.order?.by ?? 'started';
  const dir = (opts.order?.desc ?? by === 'started') ? 'DESC' : 'ASC';
  const orderSql = ORDER_SQL[by];
  if (!orderSql) throw new Error(`Unknown run order: ${String(by)}`);
  // A metric condition's runs come from an index, and SQLite would read them all and sort them
  // for a page; newest first across all experiments, walking runs in start order until the page
  // is full reads far fewer.
  const walk = by === 'started' && opts.where?.byMetric && opts.experiment === undefined && opts.parent === undefined ? ' INDEXED BY runs_started' : '';
  const stmt = store.stmt(
    `SELECT ${RUN_COLUMNS} FROM runs r${walk} ${sql} ORDER BY ${orderSql} ${dir} NULLS LAST, r.id ${dir} LIMIT @limit OFFSET @offset`,
  );
  const rows = stmt.all({ ...params, limit: Math.max(0, opts.limit ?? 100), offset: Math.max(0, opts.offset ?? 0) }) as RunRow[];
  return rows.map(toRunInfo);
}

/** The ids of every run matching the filter, in no particular order. */
export function runIds(store: Store, filter: RunFilter = {}): string[] {
  const { sql, params } = where(filter);
  return store.stmt(`SELECT r.id FROM runs r ${sql}`).pluck().all(params) as string[];
}

/** How many runs match the filter (for paging). */
export function countRuns(store: Store, filter: RunFilter = {}): number {
  const { sql, params } = where(filter);
  return store.stmt(`SELECT count(*) FROM runs r ${sql}`).pluck().get(params) as number;
}

/** How many runs match the filter in each experiment (null: none), in one pass over them. */
export function countRunsByExperiment(store: Store, filter: Omit<RunFilter, 'experiment'> = {}): Map<string | null, number> {
  const { sql, params } = where(filter);
  const rows = store.stmt(`SELECT r.experiment AS name, count(*) AS n FROM runs r ${sql} GROUP BY r.experiment`).all(params) as { name: string | null; n: number }[];
  return new Map(rows.map((r) => [r.name, r.n]));
}

/** Experiments of non-deleted runs with their run counts, by name (no experiment first). */
export function experiments(store: Store): ExperimentInfo[] {
  const rows = store
    .stmt(
      `SELECT experiment AS name, count(*) AS runs, sum(status = 'running') AS running,
         max(coalesce(started, created)) AS lastStarted
       FROM runs WHERE deleted = 0 GROUP BY experiment ORDER BY experiment COLLATE NOCASE NULLS FIRST`,
    )
    .all() as ExperimentInfo[];
  return rows;
}

/**
 * Finds a run from what a user typed: an exact id, else a unique id prefix, else a unique
 * name. Throws UnknownRunError or AmbiguousRunError.
 */
export function resolveRun(store: Store, ref: string): string {
  if (runRid(store, ref) !== undefined) return ref;
  const byPrefix = store
    .stmt('SELECT id FROM runs WHERE substr(id, 1, length(@ref)) = @ref ORDER BY id LIMIT 50')
    .pluck()
    .all({ ref }) as string[];
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) throw new AmbiguousRunError(ref, byPrefix);
  const byName = store.stmt('SELECT id FROM runs WHERE name = @ref ORDER BY id LIMIT 50').pluck().all({ ref }) as string[];
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new AmbiguousRunError(ref, byName);
  throw new UnknownRunError(ref);
}

/** Everything about one run, or undefined when the index has no such id. */
export function getRun(store: Store, id: string): RunDetail | undefined {
  const row = store.stmt(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`).get(id) as RunRow | undefined;
  if (!row) return undefined;
  const rid = row.rid;
  const x = store.stmt(
    `SELECT command, cwd, script, git_commit, git_branch, git_dirty, git_diff, python_executable, python_version
     FROM runs WHERE rid = ?`,
  ).get(rid) as {
    command: string | null;
    cwd: string | null;
    script: string | null;
    git_commit: string | null;
    git_branch: string | null;
    git_dirty: number | null;
    git_diff: string | null;
    python_executable: string | null;
    python_version: string | null;
  };
  // fromEntries defines each key as its own property: assigning would make "__proto__" set
  // the object's prototype instead of showing the param.
  const params: Record<string, unknown> = Object.fromEntries(
    (store.stmt('SELECT key, value FROM params WHERE rid = ? ORDER BY key').all(rid) as { key: string; value: string }[]).map((p) => [p.key, JSON.parse(p.value)]),
  );
  const artifactFiles = store.stmt('SELECT path, hash, size FROM artifact_files WHERE aid = ? ORDER BY path');
  const artifacts = (
    store.stmt('SELECT aid, name, kind, hash, size, source, t FROM artifacts WHERE rid = ? ORDER BY aid').all(rid) as (Omit<ArtifactInfo, 'files'> & { aid: number })[]
  ).map(({ aid, ...a }) => ({ ...a, files: artifactFiles.all(aid) as FileInfo[] }));
  const datasetFiles = store.stmt('SELECT path, hash, size FROM dataset_files WHERE did = ? ORDER BY path');
  const datasets = (
    store.stmt('SELECT did, name, path, hash, size, columns, t FROM datasets WHERE rid = ? ORDER BY did').all(rid) as (Omit<DatasetInfo, 'files' | 'columns'> & {
      did: number;
      columns: string | null;
    })[]
  ).map(({ did, columns, ...d }) => ({ ...d, columns: columns === null ? null : JSON.parse(columns), files: datasetFiles.all(did) as FileInfo[] }));
  const images = store
    .stmt('SELECT key, step, hash, format, size, width, height, t FROM images WHERE rid = ? ORDER BY key, step')
    .all(rid) as ImageInfo[];
  const code = store.stmt('SELECT path, hash, size, root FROM code_files WHERE rid = ? ORDER BY path').all(rid) as CodeFileInfo[];
  const offsets = store.stmt('SELECT offset, lines, bad FROM ingest_offsets WHERE rid = ?').get(rid) as
    | { offset: number; lines: number; bad: number }
    | undefined;
  const bad = store.stmt('SELECT line, message FROM bad_lines WHERE rid = ? ORDER BY line').all(rid) as { line: number; message: string }[];
  const hasGit = x.git_commit !== null || x.git_branch !== null || x.git_dirty !== null || x.git_diff !== null;
  const hasPython = x.python_executable !== null || x.python_version !== null;
  return {
    ...toRunInfo(row),
    command: x.command === null ? null : (JSON.parse(x.command) as string[] | string),
    cwd: x.cwd,
    script: x.script,
    git: hasGit ? { commit: x.git_commit, branch: x.git_branch, dirty: x.git_dirty === null ? null : x.git_dirty !== 0, diff: x.git_diff } : null,
    python: hasPython ? { executable: x.python_executable, version: x.python_version } : null,
    params,
    metrics: summaries(store, id),
    artifacts,
    images,
    datasets,
    code,
    log: { bytes: offsets?.offset ?? 0, lines: offsets?.lines ?? 0, badCount: offsets?.bad ?? 0, bad },
  };
}

/** Run id → the id of the run it is nested under, for the runs that have one (ids given, or all). */
export function parentLinks(store: Store, ids?: readonly string[]): Map<string, string> {
  const rows = store.stmt('SELECT id, parent FROM runs WHERE parent IS NOT NULL').all() as { id: string; parent: string }[];
  const wanted = ids ? new Set(ids) : undefined;
  return new Map(rows.filter((r) => !wanted || wanted.has(r.id)).map((r) => [r.id, r.parent]));
}
