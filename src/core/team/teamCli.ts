// The command line's team commands: push, team init / status, and the reads behind
// `runs --team`, `show RUN --team` and `model fetch REF --team`. The team index comes from
// TRACKSIDE_TEAM_URL (password: PGPASSWORD or ~/.pgpass), the team's blob folder from
// TRACKSIDE_TEAM_BLOBS. Reads need no local .trackside folder.
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { toJsonText } from '../jsonText';
import { fetchModel } from '../models/fetchModel';
import type { CompiledQuery } from '../query/compile';
import { type RunDetail, type RunInfo, listRuns, resolveRun } from '../runQueries';
import type { Store } from '../store';
import { teamConfigFromEnv } from './teamConfig';
import { type TeamDb, openTeam } from './teamDb';
import { TeamError } from './teamErrors';
import { initTeam } from './teamInit';
import { resolveTeamModelRef } from './teamModels';
import { type PushReport, pushRuns } from './teamPush';
import { pushSummary } from './teamPushText';
import { type TeamFilter, countTeamRuns, getTeamRun, listTeamRuns, resolveTeamRun, teamLatestValues } from './teamRuns';
import { TEAM_SCHEMA_VERSION } from './teamSchema';

export interface TeamIo {
  out(text: string): void;
  /** Exact output (JSON): never escaped. */
  outJson(text: string): void;
  err(text: string): void;
  /** The workspace's index, up to date (throws when there is no .trackside folder). */
  openStore(): Store;
  /** A query compiled for the local index (throws a usage error for one that does not parse). */
  compileWhere(query: string | undefined): CompiledQuery | undefined;
  usage(message: string): Error;
}

const EXIT = { ok: 0, error: 1, usage: 2, partial: 5 } as const;

function args<O extends NonNullable<ParseArgsConfig['options']>>(io: TeamIo, argv: string[], options: O) {
  try {
    return parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw io.usage((e as Error).message);
  }
}

/** Opens the team index from the environment, checks its schema, runs `fn`, closes it. */
export async function withTeam<T>(fn: (db: TeamDb) => Promise<T>, opts: { check?: boolean } = {}): Promise<T> {
  const db = openTeam(teamConfigFromEnv());
  try {
    if (opts.check !== false) await db.ready();
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `runs --team`: a page of team runs and their latest metric values. */
export async function teamListing(filter: TeamFilter, limit: number | undefined): Promise<{ runs: RunInfo[]; metrics: Map<string, Record<string, number>> }> {
  return withTeam(async (db) => {
    const runs = await listTeamRuns(db, { ...filter, limit: limit ?? Math.max(1, await countTeamRuns(db, filter)) });
    return { runs, metrics: await teamLatestValues(db, runs.map((r) => r.id)) };
  });
}

/** `show RUN --team`. */
export async function teamShow(ref: string): Promise<RunDetail | undefined> {
  return withTeam(async (db) => getTeamRun(db, await resolveTeamRun(db, ref)));
}

export const PUSH_HELP = `Usage: trackside push [RUN …] [--where QUERY] [--json]

Sends runs of this workspace to the team index (TRACKSIDE_TEAM_URL) and their blobs to the
team folder (TRACKSIDE_TEAM_BLOBS): with no RUN, every run the team index does not hold
whole yet; with RUN and/or --where, those runs (both: the RUNs the query selects). Only
what is new since the last push is sent; a push cut off is finished by the next one.
The password comes from PGPASSWORD or ~/.pgpass.
`;

export async function cmdPush(argv: string[], io: TeamIo): Promise<number> {
  const { values, positionals } = args(io, argv, { help: { type: 'boolean', short: 'h' }, where: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.out(PUSH_HELP);
    return EXIT.ok;
  }
  const where = io.compileWhere(values.where);
  const config = teamConfigFromEnv();
  const store = io.openStore();
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  const db = openTeam(config);
  try {
    let ids: string[] | undefined = positionals.length ? [...new Set(positionals.map((ref) => resolveRun(store, ref)))] : undefined;
    if (where) {
      const selected = new Set(listRuns(store, { where, includeDeleted: true, limit: Number.MAX_SAFE_INTEGER }).map((r) => r.id));
      ids = ids ? ids.filter((id) => selected.has(id)) : [...selected].sort();
    }
    const live = !values.json && process.stderr.isTTY === true;
    const report = await pushRuns(db, {
      store,
      ids,
      signal: controller.signal,
      onProgress: live ? (p) => io.err(`\r\x1b[KPushing ${p.done} of ${p.total} run(s)`) : undefined,
    });
    if (live) io.err('\r\x1b[K');
    if (values.json) io.outJson(toJsonText({ team: db.target.text, ...report }, 2) + '\n');
    else io.out(pushText(report, db.target.text));
    return report.skipped.length || report.models.conflicts.length ? EXIT.partial : EXIT.ok;
  } finally {
    process.removeListener('SIGINT', stop);
    await db.close();
    store.close();
  }
}

function pushText(r: PushReport, target: string): string {
  const lines = [pushSummary(r, target)];
  for (const p of r.pushed) lines.push(`  ${p.id}  +${p.events} event(s)`);
  const m = r.models;
  if (m.versions || m.aliases || m.checkpoints) lines.push(`Models: ${m.versions} version(s), ${m.aliases} alias move(s); ${m.checkpoints} notebook checkpoint(s).`);
  for (const s of r.skipped) lines.push(`Not pushed: ${s.reason}`);
  for (const c of m.conflicts) lines.push(`Not pushed: ${c}`);
  if (r.blobs.missing.length) lines.push(`${r.blobs.missing.length} blob(s) named by the runs are not in this workspace's store and were left out.`);
  return lines.join('\n') + '\n';
}

export const TEAM_HELP = `Usage: trackside team init|status

  init     Create the team index in the database TRACKSIDE_TEAM_URL names (schema
           "trackside", migrated to this version) and the group roles trackside_writer
           (push) and trackside_reader (read only). Run it as an administrator, then
           GRANT trackside_writer TO alice; GRANT trackside_reader TO bob;
  status   The server, the schema version, this user's access and what the index holds.
`;

export async function cmdTeam(argv: string[], io: TeamIo): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = args(io, rest, { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } });
  if (sub === undefined || sub === '--help' || sub === '-h' || values.help) {
    io.out(TEAM_HELP);
    return EXIT.ok;
  }
  if (positionals.length) throw io.usage(`team ${sub} takes no arguments`);
  if (sub === 'init') {
    return withTeam(async (db) => {
      const r = await initTeam(db);
      if (values.json) io.outJson(toJsonText({ team: db.target.text, ...r }, 2) + '\n');
      else {
        io.out(r.from === r.to ? `The team index at ${db.target.text} is at schema version ${r.to} already.\n` : `The team index at ${db.target.text} is at schema version ${r.to} (was ${r.from}).\n`);
        if (r.rolesCreated.length) io.out(`Created role(s) ${r.rolesCreated.join(', ')}: GRANT them to people's logins.\n`);
      }
      return EXIT.ok;
    }, { check: false });
  }
  if (sub === 'status') {
    return withTeam(async (db) => {
      const s = (
        await db.query<{ server: string; me: string; writer: boolean; reader: boolean; runs: number; people: number; points: number }>(
          `SELECT current_setting('server_version') AS server, current_user AS me,
             has_table_privilege('trackside.runs', 'INSERT') AS writer, has_table_privilege('trackside.runs', 'SELECT') AS reader,
             (SELECT count(*) FROM trackside.runs) AS runs, (SELECT count(DISTINCT pushed_by) FROM trackside.runs) AS people,
             (SELECT coalesce(sum(count), 0)::int8 FROM trackside.summaries) AS points`,
        )
      )[0];
      const access = s.writer ? 'push and read' : s.reader ? 'read only' : 'none';
      if (values.json) io.outJson(toJsonText({ team: db.target.text, schema: TEAM_SCHEMA_VERSION, ...s, access }, 2) + '\n');
      else io.out(`Team index ${db.target.text}: PostgreSQL ${s.server}, schema version ${TEAM_SCHEMA_VERSION}; ${s.me} may ${access}.\n${s.runs} run(s) from ${s.people} person(s), ${s.points} metric point(s).\n`);
      return EXIT.ok;
    });
  }
  throw io.usage(`unknown team command "${sub}" (init or status)`);
}

/** `model fetch REF --team --to DIR`: a version from the team index and the team folder. */
export async function teamModelFetch(argv: string[], io: TeamIo): Promise<number> {
  const { values, positionals } = args(io, argv, { team: { type: 'boolean' }, to: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (positionals.length !== 1) throw io.usage('model fetch takes one REF (churn@production, churn@3)');
  if (!values.to) throw io.usage('model fetch needs --to DIR');
  const config = teamConfigFromEnv();
  if (!config.blobs) throw new TeamError('config', 'no team blob folder configured: set TRACKSIDE_TEAM_BLOBS to the folder the team pushes blobs to');
  const dir = resolve(values.to);
  return withTeam(async (db) => {
    const v = await resolveTeamModelRef(db, positionals[0]);
    const manifest = fetchModel(config.blobs!, v, positionals[0], dir);
    if (values.json) io.outJson(toJsonText({ dir, team: db.target.text, ...manifest }, 2) + '\n');
    else io.out(`Fetched ${v.name} v${v.version} (run ${v.runId ?? '—'}) from ${db.target.text}: ${manifest.files.length} file(s) verified into ${dir}\n`);
    return EXIT.ok;
  });
}
