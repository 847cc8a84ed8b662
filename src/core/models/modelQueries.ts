// Read-side queries over the model tables: models, their versions with aliases, the
// evaluation runs of a version, and resolving "churn@production" to a version.
import type { RunStatus } from '../events';
import type { Store } from '../store';
import { LATEST, type ModelRef, formatModelRef, parseModelRef } from './modelNames';
import type { VersionRecord } from './versionRecord';

export class UnknownModelError extends Error {
  constructor(readonly ref: string, reason: string) {
    super(`no model version ${ref}: ${reason}`);
    this.name = 'UnknownModelError';
  }
}

export interface ModelInfo {
  name: string;
  versions: number;
  latest: number;
  /** Alias → version. */
  aliases: Record<string, number>;
  /** When the latest version was logged. */
  updated: number | null;
}

export interface VersionInfo {
  name: string;
  version: number;
  /** Aliases pointing here, sorted ("latest" included for the highest version). */
  aliases: string[];
  runId: string | null;
  /** The training run's name, status; null when it is not in the index. */
  runName: string | null;
  runStatus: RunStatus | null;
  hash: string;
  size: number;
  t: number | null;
  /** Evaluation runs (not deleted) of this version. */
  evaluations: number;
  record: VersionRecord;
}

export interface EvaluationInfo {
  runId: string;
  name: string | null;
  status: RunStatus;
  started: number | null;
  ended: number | null;
  /** As the run asked for it ("churn@production"). */
  ref: string | null;
  datasets: { name: string; path: string; hash: string; columns: unknown }[];
  /** Last value of each metric (sys/ metrics left out); NaN stays NaN. */
  metrics: Record<string, number>;
}

function aliasesOf(store: Store, name: string): Map<number, string[]> {
  const by = new Map<number, string[]>();
  const rows = store.stmt('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').all(name) as { alias: string; version: number }[];
  for (const r of rows) by.set(r.version, [...(by.get(r.version) ?? []), r.alias]);
  return by;
}

export function listModels(store: Store): ModelInfo[] {
  const rows = store
    .stmt('SELECT name, count(*) AS versions, max(version) AS latest, max(t) AS updated FROM model_versions GROUP BY name ORDER BY name COLLATE NOCASE')
    .all() as { name: string; versions: number; latest: number; updated: number | null }[];
  return rows.map((r) => {
    const aliases: Record<string, number> = {};
    for (const a of store.stmt('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').all(r.name) as { alias: string; version: number }[]) {
      aliases[a.alias] = a.version;
    }
    return { ...r, aliases };
  });
}

/** A version row as the registry's queries read it (the team index's adds to it). */
export interface VersionRow {
  name: string;
  version: number;
  run_id: string | null;
  hash: string;
  size: number;
  t: number | null;
  record: string;
  run_name: string | null;
  run_status: RunStatus | null;
  evaluations: number;
}

const VERSION_SQL = `SELECT v.name, v.version, v.run_id, v.hash, v.size, v.t, v.record, r.name AS run_name, r.status AS run_status,
    (SELECT count(*) FROM model_refs m JOIN runs e ON e.rid = m.rid WHERE m.name = v.name AND m.version = v.version AND e.deleted = 0) AS evaluations
  FROM model_versions v LEFT JOIN runs r ON r.id = v.run_id`;

/** A version row with its aliases (`latest` added to the highest version). */
export function toVersion(row: VersionRow, aliases: Map<number, string[]>, latest: number): VersionInfo {
  const names = [...(aliases.get(row.version) ?? [])];
  if (row.version === latest) names.push(LATEST);
  return {
    name: row.name,
    version: row.version,
    aliases: names.sort(),
    runId: row.run_id,
    runName: row.run_name,
    runStatus: row.run_status,
    hash: row.hash,
    size: row.size,
    t: row.t,
    evaluations: row.evaluations,
    record: JSON.parse(row.record) as VersionRecord,
  };
}

function latestOf(store: Store, name: string): number {
  return (store.stmt('SELECT max(version) FROM model_versions WHERE name = ?').pluck().get(name) as number | null) ?? 0;
}

/** Versions of a model, newest first. */
export function listVersions(store: Store, name: string): VersionInfo[] {
  const rows = store.stmt(`${VERSION_SQL} WHERE v.name = ? ORDER BY v.version DESC`).all(name) as VersionRow[];
  const aliases = aliasesOf(store, name);
  const latest = rows[0]?.version ?? 0;
  return rows.map((r) => toVersion(r, aliases, latest));
}

export function getVersion(store: Store, name: string, version: number): VersionInfo | undefined {
  const row = store.stmt(`${VERSION_SQL} WHERE v.name = ? AND v.version = ?`).get(name, version) as VersionRow | undefined;
  return row ? toVersion(row, aliasesOf(store, name), latestOf(store, name)) : undefined;
}

/** The version a reference names; throws UnknownModelError. */
export function resolveModelRef(store: Store, ref: string | ModelRef): VersionInfo {
  const r = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const text = formatModelRef(r);
  const latest = latestOf(store, r.name);
  if (latest === 0) throw new UnknownModelError(text, `there is no model "${r.name}"`);
  let version: number;
  if ('version' in r) version = r.version;
  else if (r.alias === LATEST) version = latest;
  else {
    const v = store.stmt('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').pluck().get(r.name, r.alias) as number | undefined;
    if (v === undefined) throw new UnknownModelError(text, `"${r.name}" has no alias "${r.alias}"`);
    version = v;
  }
  const info = getVersion(store, r.name, version);
  if (!info) throw new UnknownModelError(text, `"${r.name}" has no version ${version}`);
  return info;
}

/** Evaluation runs of a version in the order they started (ties by id), deleted ones left out. */
export function evaluations(store: Store, name: string, version: number): EvaluationInfo[] {
  const runs = store
    .stmt(
      `SELECT r.rid, r.id, r.name, r.status, coalesce(r.started, r.created) AS started, r.ended, m.ref
       FROM model_refs m JOIN runs r ON r.rid = m.rid
       WHERE m.name = ? AND m.version = ? AND r.deleted = 0
       ORDER BY coalesce(r.started, r.created), r.id`,
    )
    .all(name, version) as { rid: number; id: string; name: string | null; status: RunStatus; started: number | null; ended: number | null; ref: string | null }[];
  const datasets = store.stmt('SELECT name, path, hash, columns FROM datasets WHERE rid = ? ORDER BY did');
  const metrics = store.stmt(
    "SELECT k.key, s.last FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = ? AND k.key NOT LIKE 'sys/%' ORDER BY k.key",
  );
  return runs.map((r) => {
    const values: Record<string, number> = {};
    for (const m of metrics.all(r.rid) as { key: string; last: number | null }[]) values[m.key] = m.last ?? Number.NaN;
    return {
      runId: r.id,
      name: r.name,
      status: r.status,
      started: r.started,
      ended: r.ended,
      ref: r.ref,
      datasets: (datasets.all(r.rid) as { name: string; path: string; hash: string; columns: string | null }[]).map((d) => ({
        ...d,
        columns: d.columns === null ? null : (JSON.parse(d.columns) as unknown),
      })),
      metrics: values,
    };
  });
}

/** The model version a run evaluated, if it is an evaluation run. */
export function evaluatedBy(store: Store, runId: string): { name: string; version: number } | undefined {
  return store.stmt('SELECT m.name, m.version FROM model_refs m JOIN runs r ON r.rid = m.rid WHERE r.id = ?').get(runId) as
    | { name: string; version: number }
    | undefined;
}

/** Column summaries of a dataset hash, preferring the copy logged by `runId`. */
export function datasetColumns(store: Store, hash: string, runId: string | null): { name: string; columns: unknown } | undefined {
  const row = store
    .stmt(
      `SELECT d.name, d.columns FROM datasets d JOIN runs r ON r.rid = d.rid
       WHERE d.hash = ? AND d.columns IS NOT NULL ORDER BY (r.id = ?) DESC, d.did LIMIT 1`,
    )
    .get(hash, runId) as { name: string; columns: string } | undefined;
  return row ? { name: row.name, columns: JSON.parse(row.columns) as unknown } : undefined;
}
