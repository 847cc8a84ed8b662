// The model registry as the team index holds it, in the shapes the local registry gives: its
// models with their aliases, a model's versions (the Models view lists them, read only), and
// a reference ("churn@production", "churn@3", "churn") resolved to a version, so a fetch
// from the team folder writes what a local fetch writes.
import { LATEST, formatModelRef, parseModelRef } from '../models/modelNames';
import { type ModelInfo, UnknownModelError, type VersionInfo, type VersionRow, toVersion as localVersion } from '../models/modelQueries';
import type { TeamDb } from './teamDb';

interface TeamVersionRow extends VersionRow {
  latest: number;
  aliases: string[];
  pushed_by: string;
}

/** A version as the team index holds it: the local shape, and who pushed it. */
export interface TeamVersionInfo extends VersionInfo {
  pushedBy: string;
}

const VERSION_SQL = `SELECT v.name, v.version, v.run_id, v.hash, v.size, v.t, v.record, v.pushed_by, r.name AS run_name, r.status AS run_status,
    (SELECT count(*) FROM trackside.model_refs m JOIN trackside.runs e ON e.rid = m.rid WHERE m.name = v.name AND m.version = v.version AND e.deleted = 0) AS evaluations,
    (SELECT max(version) FROM trackside.model_versions WHERE name = v.name) AS latest,
    ARRAY(SELECT alias FROM trackside.model_aliases a WHERE a.name = v.name AND a.version = v.version ORDER BY alias COLLATE "C") AS aliases
  FROM trackside.model_versions v LEFT JOIN trackside.runs r ON r.id = v.run_id`;

function toVersion(row: TeamVersionRow): TeamVersionInfo {
  return { ...localVersion(row, new Map([[row.version, row.aliases]]), row.latest), pushedBy: row.pushed_by };
}

/** The team's models (by name, as the local registry sorts them) with their aliases. */
export async function listTeamModels(db: TeamDb): Promise<ModelInfo[]> {
  const [models, aliases] = await Promise.all([
    db.query<{ name: string; versions: number; latest: number; updated: number | null }>(
      'SELECT name, count(*)::int AS versions, max(version) AS latest, max(t) AS updated FROM trackside.model_versions GROUP BY name ORDER BY lower(name) COLLATE "C", name COLLATE "C"',
    ),
    db.query<{ name: string; alias: string; version: number }>('SELECT name, alias, version FROM trackside.model_aliases WHERE version IS NOT NULL ORDER BY alias COLLATE "C"'),
  ]);
  return models.map((m) => ({ ...m, aliases: Object.fromEntries(aliases.filter((a) => a.name === m.name).map((a) => [a.alias, a.version])) }));
}

/** A team model's versions, newest first. */
export async function listTeamVersions(db: TeamDb, name: string): Promise<TeamVersionInfo[]> {
  return (await db.query<TeamVersionRow>(`${VERSION_SQL} WHERE v.name = $1 ORDER BY v.version DESC`, [name])).map(toVersion);
}

export async function resolveTeamModelRef(db: TeamDb, ref: string): Promise<VersionInfo> {
  const r = parseModelRef(ref);
  const text = formatModelRef(r);
  let version: number | undefined;
  if ('version' in r) version = r.version;
  else if (r.alias === LATEST) version = (await db.query<{ v: number | null }>('SELECT max(version) AS v FROM trackside.model_versions WHERE name = $1', [r.name]))[0].v ?? undefined;
  else {
    version = (await db.query<{ version: number }>('SELECT version FROM trackside.model_aliases WHERE name = $1 AND alias = $2 AND version IS NOT NULL', [r.name, r.alias]))[0]?.version;
    if (version === undefined) throw new UnknownModelError(text, `the team index has no alias "${r.alias}" of "${r.name}"`);
  }
  if (version === undefined) throw new UnknownModelError(text, `the team index has no model "${r.name}"`);
  const row = (await db.query<TeamVersionRow>(`${VERSION_SQL} WHERE v.name = $1 AND v.version = $2`, [r.name, version]))[0];
  if (!row) throw new UnknownModelError(text, `the team index has no version ${version} of "${r.name}"`);
  return toVersion(row);
}
