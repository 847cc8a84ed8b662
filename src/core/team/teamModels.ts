// The model registry as the team index holds it: a reference ("churn@production",
// "churn@3", "churn") resolved to a version, in the shape the local registry gives, so a
// fetch from the team folder writes what a local fetch writes.
import type { RunStatus } from '../events';
import { LATEST, formatModelRef, parseModelRef } from '../models/modelNames';
import { UnknownModelError, type VersionInfo } from '../models/modelQueries';
import type { VersionRecord } from '../models/versionRecord';
import type { TeamDb } from './teamDb';

interface VersionRow {
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
  latest: number;
  aliases: string[];
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
  const row = (
    await db.query<VersionRow>(
      `SELECT v.name, v.version, v.run_id, v.hash, v.size, v.t, v.record, r.name AS run_name, r.status AS run_status,
         (SELECT count(*) FROM trackside.model_refs m JOIN trackside.runs e ON e.rid = m.rid WHERE m.name = v.name AND m.version = v.version AND e.deleted = 0) AS evaluations,
         (SELECT max(version) FROM trackside.model_versions WHERE name = v.name) AS latest,
         ARRAY(SELECT alias FROM trackside.model_aliases a WHERE a.name = v.name AND a.version = v.version ORDER BY alias COLLATE "C") AS aliases
       FROM trackside.model_versions v LEFT JOIN trackside.runs r ON r.id = v.run_id WHERE v.name = $1 AND v.version = $2`,
      [r.name, version],
    )
  )[0];
  if (!row) throw new UnknownModelError(text, `the team index has no version ${version} of "${r.name}"`);
  return {
    name: row.name,
    version: row.version,
    aliases: [...row.aliases, ...(row.version === row.latest ? [LATEST] : [])].sort(),
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
