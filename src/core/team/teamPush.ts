// Push: the workspace's runs into the team index, incrementally. The team index remembers
// how far each run's events.jsonl was pushed (bytes and lines); a push reads on from there,
// and each chunk's rows are committed together with the new position, so a push killed or
// cut off at any point leaves whole chunks only and the next push sends exactly the rest.
// Blobs a chunk names reach the team folder before its rows do.
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ParsedEvent } from '../eventParse';
import { type ReadPosition, START, readEventChunks } from '../eventReader';
import { listRunFolders } from '../ingest';
import { eventsPath, runDir } from '../paths';
import type { Store } from '../store';
import { type BlobCopyReport, copyBlobs } from './teamBlobs';
import type { TeamClient, TeamDb } from './teamDb';
import { TeamError } from './teamErrors';
import { type SummaryRow, foldEvents, stepsToLookUp } from './teamFold';
import { pushModels, type ModelPushReport } from './teamModelsPush';
import { TEAM_RUN_TABLES } from './teamSchema';
import { pgSafe, pgSafeAll } from './teamText';
import { type Pusher, pusher } from './teamWho';
import { writeFolded } from './teamWrite';
import { fileSize } from '../regularFile';

export interface PushOptions {
  /** The workspace's index, up to date (run metadata, and the runs to push). */
  store: Store;
  /** Run ids to push; default every run folder of the workspace. */
  ids?: readonly string[];
  /** Bytes of a run's log per transaction (default 8 MB). */
  chunkBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: PushProgress) => void;
  /** Push the model registry too (default true; with `ids`, only models those runs logged). */
  models?: boolean;
  who?: Pusher;
}

export interface PushProgress {
  run: string;
  /** Runs looked at so far, of all. */
  done: number;
  total: number;
  bytes: number;
}

export interface PushedRun {
  id: string;
  events: number;
  points: number;
  bytes: number;
}

export interface PushReport {
  pushed: PushedRun[];
  /** Runs the team index already held whole. */
  unchanged: number;
  /** Runs not pushed, and why (another run under the same id, a log that cannot be read). */
  skipped: { id: string; reason: string }[];
  blobs: BlobCopyReport;
  models: ModelPushReport;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;

interface TeamRunRow {
  id: string;
  rid: number;
  log_offset: number;
  log_lines: number;
  log_head: string | null;
  sweep: string | null;
}

/** Pushes runs (and the model registry) of the workspace `opts.store.root` to the team index. */
export async function pushRuns(db: TeamDb, opts: PushOptions): Promise<PushReport> {
  await db.ready();
  await checkWriter(db);
  if (!db.blobs) throw new TeamError('config', 'no team blob folder configured: set TRACKSIDE_TEAM_BLOBS (or trackside.team.blobs) to a folder every machine sees');
  const root = opts.store.root;
  const who = opts.who ?? pusher();
  const ids = opts.ids ?? listRunFolders(root) ?? [];
  const report: PushReport = { pushed: [], unchanged: 0, skipped: [], blobs: { copied: 0, missing: [] }, models: { versions: 0, aliases: 0, checkpoints: 0, conflicts: [] } };
  const team = new Map((await db.query<TeamRunRow>('SELECT id, rid, log_offset, log_lines, log_head, sweep FROM trackside.runs WHERE id = ANY($1::text[])', [ids])).map((r) => [r.id, r]));
  const ctx: PushContext = { db, root, who, store: opts.store, kids: new Map(), blobsKnown: new Set(), report, chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK, signal: opts.signal };
  let done = 0;
  for (const id of ids) {
    opts.signal?.throwIfAborted();
    done++;
    const size = fileSize(eventsPath(runDir(root, id)));
    const have = team.get(id);
    if (have && have.log_offset === size) {
      report.unchanged++;
      continue;
    }
    try {
      const pushed = await pushRun(ctx, id, have);
      if (pushed.bytes > 0) report.pushed.push(pushed);
      else report.unchanged++;
    } catch (e) {
      if (e instanceof TeamError && e.kind === 'conflict') report.skipped.push({ id, reason: e.message });
      else throw e;
    }
    opts.onProgress?.({ run: id, done, total: ids.length, bytes: size });
  }
  await fillSweeps(db, opts.store, [...team.values()].filter((r) => r.sweep === null).map((r) => r.id));
  if (opts.models !== false) report.models = await pushModels(db, { root, who, runs: opts.ids ? new Set(opts.ids) : undefined, blobs: (hashes) => copyBlobs(root, db.blobs!, hashes, ctx.blobsKnown, report.blobs) });
  return report;
}

/**
 * Runs pushed before the team index had runs.sweep: their sweep from this workspace's index
 * (their logs were pushed already, so no fold sees their run event again).
 */
async function fillSweeps(db: TeamDb, store: Store, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = store.stmt('SELECT id, sweep FROM runs WHERE sweep IS NOT NULL AND id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(ids)) as [string, string][];
  if (rows.length === 0) return;
  await db.query(
    `UPDATE trackside.runs r SET sweep = u.sweep, change = nextval('trackside.changes')
     FROM unnest($1::text[], $2::text[]) AS u(id, sweep) WHERE r.id = u.id AND r.sweep IS NULL`,
    [rows.map((r) => r[0]), rows.map((r) => pgSafe(r[1]))],
  );
}

/** A trackside_reader's push stops here, before anything is sent. */
async function checkWriter(db: TeamDb): Promise<void> {
  const rows = await db.query<{ ok: boolean }>("SELECT has_table_privilege('trackside.runs', 'INSERT') AND has_table_privilege('trackside.points', 'INSERT') AS ok");
  if (!rows[0]?.ok) {
    throw new TeamError('readOnly', `the team index at ${db.target.text} lets this user only read (trackside_reader): an administrator can GRANT trackside_writer TO ${db.target.user}`);
  }
}

interface PushContext {
  db: TeamDb;
  root: string;
  who: Pusher;
  store: Store;
  /** Metric key → key id in the team index. */
  kids: Map<string, number>;
  blobsKnown: Set<string>;
  report: PushReport;
  chunkBytes: number;
  signal: AbortSignal | undefined;
}

/** SHA-256 of the log's first line, once it is complete (the run's identity across machines). */
function headOf(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(0x0a);
    if (nl < 0) return n === buf.length ? createHash('sha256').update(buf).digest('hex') : null;
    return createHash('sha256').update(buf.subarray(0, nl)).digest('hex');
  } finally {
    closeSync(fd);
  }
}

async function pushRun(ctx: PushContext, id: string, have: TeamRunRow | undefined): Promise<PushedRun> {
  const file = eventsPath(runDir(ctx.root, id));
  const head = headOf(file);
  const out: PushedRun = { id, events: 0, points: 0, bytes: 0 };
  if (have?.log_head && head && have.log_head !== head) throw conflict(id, ctx);
  if (have && fileSize(file) < have.log_offset) {
    // The log was replaced rather than appended to: the team's copy starts over from it.
    const rid = have.rid;
    await ctx.db.tx((c) => removeTeamRun(c, rid), true);
    have = undefined;
  }
  let pos: ReadPosition = have ? { offset: have.log_offset, line: have.log_lines } : START;
  for (let attempt = 0; attempt < 3; attempt++) {
    const raced = await pushFrom(ctx, id, head, pos, out);
    if (raced === undefined) return out;
    pos = raced; // another pusher moved this run on: continue from where it is
  }
  return out;
}

const META_SQL = 'SELECT created, imported FROM runs WHERE id = ?';

/** Pushes chunks from `from`; returns the team's position when another pusher got there first. */
async function pushFrom(ctx: PushContext, id: string, head: string | null, from: ReadPosition, out: PushedRun): Promise<ReadPosition | undefined> {
  const meta = ctx.store.stmt(META_SQL).get(id) as { created: number | null; imported: string | null } | undefined;
  for (const chunk of readEventChunks(eventsPath(runDir(ctx.root, id)), from, { chunkBytes: ctx.chunkBytes })) {
    ctx.signal?.throwIfAborted();
    await copyBlobs(ctx.root, ctx.db.blobs!, blobsOf(chunk.events), ctx.blobsKnown, ctx.report.blobs);
    await keyIds(ctx, chunk.events);
    const raced = await ctx.db.tx(async (c) => {
      const run = await lockRun(c, ctx, id, head, meta);
      if (run.log_offset !== chunk.start.offset) return { offset: run.log_offset, line: run.log_lines };
      const summaries = await summariesOf(c, run.rid);
      const lookups = stepsToLookUp(chunk.events, summaries, run.sys_samples);
      const seqs = lookups.size ? await nextSeqs(c, ctx, run.rid, lookups) : new Map<string, number>();
      const folded = foldEvents(chunk.events, chunk.lines, { started: run.started, source: run.source, updated: run.updated, sysSamples: run.sys_samples }, summaries, (key, step) => seqs.get(`${key}\0${step}`) ?? 0);
      if (meta?.created !== null && meta?.created !== undefined) folded.patch.created = meta.created;
      if (meta?.imported) folded.patch.imported = meta.imported;
      await writeFolded(c, run.rid, folded, ctx.kids, { offset: chunk.end.offset, lines: chunk.end.line, badBefore: run.log_bad, bad: chunk.bad });
      out.points += folded.points;
      return undefined;
    }, true);
    if (raced) return raced;
    out.events += chunk.events.length;
    out.bytes += chunk.end.offset - chunk.start.offset;
  }
  return undefined;
}

interface LockedRun {
  rid: number;
  log_offset: number;
  log_lines: number;
  log_bad: number;
  log_head: string | null;
  started: number | null;
  source: string | null;
  updated: number | null;
  sys_samples: number;
}

/** The run's row, registered if new, locked until the transaction ends (one pusher per run at a time). */
async function lockRun(c: TeamClient, ctx: PushContext, id: string, head: string | null, meta: { created: number | null; imported: string | null } | undefined): Promise<LockedRun> {
  await c.query(
    `INSERT INTO trackside.runs (id, created, imported, log_head, pushed_by, pushed_host) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING`,
    pgSafeAll([id, meta?.created ?? null, meta?.imported ?? null, head, ctx.who.user, ctx.who.host]),
  );
  const run = (
    await c.query<LockedRun>(
      'SELECT rid, log_offset, log_lines, log_bad, log_head, started, source, updated, sys_samples FROM trackside.runs WHERE id = $1 FOR UPDATE',
      [id],
    )
  ).rows[0];
  if (head && run.log_head && run.log_head !== head) throw conflict(id, ctx);
  if (head && !run.log_head) await c.query('UPDATE trackside.runs SET log_head = $2 WHERE rid = $1', [run.rid, head]);
  return run;
}

function conflict(id: string, ctx: PushContext): TeamError {
  return new TeamError('conflict', `the team index at ${ctx.db.target.text} holds another run under the id ${id} (its first event differs); this one was not pushed`);
}

async function summariesOf(c: TeamClient, rid: number): Promise<Map<string, SummaryRow>> {
  const rows = (
    await c.query<SummaryRow & { key: string }>(
      'SELECT k.key, s.count, s.nans, s.min, s.max, s.first_step, s.last_step, s.last_seq, s.last, s.t, s.seq FROM trackside.summaries s JOIN trackside.metric_keys k ON k.kid = s.kid WHERE s.rid = $1',
      [rid],
    )
  ).rows;
  return new Map(rows.map((r) => [r.key, r]));
}

/** Next sequence number at each (key, step) the fold asks about, from the points already there. */
async function nextSeqs(c: TeamClient, ctx: PushContext, rid: number, lookups: Map<string, Set<number>>): Promise<Map<string, number>> {
  const kids: number[] = [];
  const steps: number[] = [];
  const keyOf = new Map<number, string>();
  for (const [key, set] of lookups) {
    const kid = ctx.kids.get(key)!;
    keyOf.set(kid, key);
    for (const s of set) {
      kids.push(kid);
      steps.push(s);
    }
  }
  const rows = (
    await c.query<{ kid: number; step: number; next: number }>(
      `SELECT p.kid, p.step, max(p.seq) + 1 AS next FROM trackside.points p
       JOIN unnest($2::int[], $3::float8[]) AS u(kid, step) ON p.kid = u.kid AND p.step = u.step
       WHERE p.rid = $1 GROUP BY p.kid, p.step`,
      [rid, kids, steps],
    )
  ).rows;
  return new Map(rows.map((r) => [`${keyOf.get(r.kid)}\0${r.step}`, r.next]));
}

/**
 * Key ids for the chunk's metric keys, made outside the run's transaction (pushers of other
 * runs never wait on it). New keys get their ids in the order the log first names them, as
 * the local index numbers its keys (the explorer's "first logged" metric breaks ties by id);
 * one statement each, so concurrent pushers of the same new keys cannot deadlock.
 */
async function keyIds(ctx: PushContext, events: readonly ParsedEvent[]): Promise<void> {
  const missing = new Set<string>();
  for (const ev of events) {
    if (ev.type === 'metrics') for (const key in ev.values) if (!ctx.kids.has(key)) missing.add(key);
    if (ev.type === 'sys') for (const key in ev.values) if (!ctx.kids.has(`sys/${key}`)) missing.add(`sys/${key}`);
  }
  if (missing.size === 0) return;
  const keys = [...missing];
  await ctx.db.withClient(async (c) => {
    const known = async (): Promise<void> => {
      for (const r of (await c.query<{ kid: number; key: string }>('SELECT kid, key FROM trackside.metric_keys WHERE key = ANY($1::text[])', [keys])).rows) ctx.kids.set(r.key, r.kid);
    };
    await known();
    const fresh = keys.filter((k) => !ctx.kids.has(k));
    for (const key of fresh) await c.query('INSERT INTO trackside.metric_keys (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [key]);
    if (fresh.length) await known();
  }, true);
}

/** Blobs the events name (datasets are not stored, a folder's own hash is its manifest's). */
export function blobsOf(events: readonly ParsedEvent[]): Set<string> {
  const out = new Set<string>();
  const files = (fs: readonly { hash: string }[] | undefined): void => {
    for (const f of fs ?? []) out.add(f.hash);
  };
  for (const ev of events) {
    switch (ev.type) {
      case 'run':
        if (typeof ev.git?.diff === 'string') out.add(ev.git.diff);
        break;
      case 'artifact':
      case 'model':
        if (ev.files?.length) files(ev.files);
        else out.add(ev.hash);
        if (ev.type === 'model') files(ev.code);
        break;
      case 'image':
        out.add(ev.hash);
        break;
      case 'code':
        files(ev.files);
        break;
    }
  }
  return out;
}

/** Deletes a run and all its rows from the team index (its log was replaced; it is pushed again). */
async function removeTeamRun(c: TeamClient, rid: number): Promise<void> {
  await c.query('DELETE FROM trackside.artifact_files WHERE aid IN (SELECT aid FROM trackside.artifacts WHERE rid = $1)', [rid]);
  await c.query('DELETE FROM trackside.artifacts WHERE rid = $1', [rid]);
  await c.query('DELETE FROM trackside.dataset_files WHERE did IN (SELECT did FROM trackside.datasets WHERE rid = $1)', [rid]);
  await c.query('DELETE FROM trackside.datasets WHERE rid = $1', [rid]);
  for (const table of TEAM_RUN_TABLES) await c.query(`DELETE FROM trackside.${table} WHERE rid = $1`, [rid]);
  await c.query('DELETE FROM trackside.runs WHERE rid = $1', [rid]);
}
