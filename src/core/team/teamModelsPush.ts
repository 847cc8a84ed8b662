// Push of the model registry (version records and alias moves) and of the metadata of
// notebook checkpoints taken at tracked runs. Version records are written once, so a
// version is pushed once; a number another machine already pushed for another model version
// is reported, never replaced. Alias logs are pushed from where this workspace left off
// (per workspace: several machines move aliases), each alias ending at its latest move.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReadPosition, START, readEventChunks } from '../eventReader';
import { listModelFolders } from '../models/modelSync';
import { aliasLog, versionFile, versionOfFileName, versionsDir } from '../models/registryPaths';
import { parseVersionRecord, type VersionRecord } from '../models/versionRecord';
import { isDeletion, parseCheckpointLine, type CheckpointRecord } from '../notebooks/checkpointRecord';
import type { TeamDb } from './teamDb';
import { pgSafeAll } from './teamText';
import type { Pusher } from './teamWho';
import { fileSize } from '../regularFile';

export interface ModelPushReport {
  versions: number;
  aliases: number;
  checkpoints: number;
  /** Versions not pushed: the team index holds another one under the number. */
  conflicts: string[];
}

export interface ModelPushOptions {
  root: string;
  who: Pusher;
  /** Only what these runs made (a push of named runs); undefined: everything. */
  runs?: ReadonlySet<string>;
  /** Copies these blobs to the team folder. */
  blobs(hashes: Iterable<string>): Promise<void>;
}

/** Where a workspace's logs were pushed from: the same folder on the same machine by the same user. */
function origin(o: ModelPushOptions): string {
  return `${o.who.user}@${o.who.host}:${o.root}`;
}

export async function pushModels(db: TeamDb, o: ModelPushOptions): Promise<ModelPushReport> {
  const report: ModelPushReport = { versions: 0, aliases: 0, checkpoints: 0, conflicts: [] };
  const names = listModelFolders(o.root) ?? [];
  if (names.length) {
    const withVersions = await pushVersions(db, o, names, report);
    await pushAliases(db, o, o.runs ? withVersions : names, report);
  }
  await pushCheckpoints(db, o, report);
  return report;
}

function weightsAndCode(r: VersionRecord): string[] {
  return [...(r.files?.length ? r.files.map((f) => f.hash) : [r.hash]), ...r.code.map((f) => f.hash)];
}

/** Returns the models that have a version in the team index now. */
async function pushVersions(db: TeamDb, o: ModelPushOptions, names: string[], report: ModelPushReport): Promise<string[]> {
  const rows = await db.query<{ name: string; version: number; hash: string; pushed_by: string; pushed_host: string }>(
    'SELECT name, version, hash, pushed_by, pushed_host FROM trackside.model_versions WHERE name = ANY($1::text[])',
    [names],
  );
  const team = new Map(rows.map((r) => [`${r.name}@${r.version}`, r]));
  const present = new Set(rows.map((r) => r.name));
  for (const name of names) {
    let files: string[];
    try {
      files = readdirSync(versionsDir(o.root, name));
    } catch {
      continue;
    }
    for (const version of files.map(versionOfFileName).filter((v): v is number => v !== undefined).sort((a, b) => a - b)) {
      const theirs = team.get(`${name}@${version}`);
      let record: VersionRecord | string;
      try {
        record = parseVersionRecord(readFileSync(versionFile(o.root, name, version), 'utf8'), name, version);
      } catch {
        continue; // being written, or unreadable: the next push tries again
      }
      if (typeof record === 'string') continue;
      if (o.runs && !(record.run && o.runs.has(record.run))) continue;
      if (theirs) {
        if (theirs.hash !== record.hash) report.conflicts.push(conflictText(name, version, theirs));
        continue;
      }
      await o.blobs(weightsAndCode(record));
      const inserted = await db.query(
        `INSERT INTO trackside.model_versions (name, version, run_id, hash, size, t, record, pushed_by, pushed_host)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name, version) DO NOTHING RETURNING version`,
        [name, version, record.run ?? null, record.hash, record.size, record.t, JSON.stringify(record), o.who.user, o.who.host],
      );
      if (inserted.length) {
        report.versions++;
        present.add(name);
      } else {
        const now = (await db.query<{ hash: string; pushed_by: string; pushed_host: string }>('SELECT hash, pushed_by, pushed_host FROM trackside.model_versions WHERE name = $1 AND version = $2', [name, version]))[0];
        if (now && now.hash !== record.hash) report.conflicts.push(conflictText(name, version, now));
      }
    }
  }
  return names.filter((n) => present.has(n));
}

function conflictText(name: string, version: number, theirs: { pushed_by: string; pushed_host: string }): string {
  return `model ${name} v${version}: the team index holds another version under this number (pushed by ${theirs.pushed_by}@${theirs.pushed_host}); this one was not pushed`;
}

async function pushedAt(db: TeamDb, o: ModelPushOptions, logs: string[]): Promise<Map<string, ReadPosition>> {
  const rows = await db.query<{ log: string; offset_bytes: number; lines: number }>(
    'SELECT log, offset_bytes, lines FROM trackside.pushed_logs WHERE origin = $1 AND log = ANY($2::text[])',
    [origin(o), logs],
  );
  return new Map(rows.map((r) => [r.log, { offset: r.offset_bytes, line: r.lines }]));
}

async function pushAliases(db: TeamDb, o: ModelPushOptions, names: string[], report: ModelPushReport): Promise<void> {
  const logs = names.map((n) => `models/${n}`);
  const done = await pushedAt(db, o, logs);
  for (const name of names) {
    const file = aliasLog(o.root, name);
    const size = fileSize(file);
    let pos = done.get(`models/${name}`) ?? START;
    if (pos.offset === size) continue;
    if (size < pos.offset) pos = START;
    for (const chunk of readEventChunks(file, pos)) {
      // The last move of each alias in this part of the log.
      const moves = new Map<string, { version: number | null; t: number }>();
      for (const ev of chunk.events) if (ev.type === 'alias') moves.set(ev.alias, { version: ev.removed === true ? null : (ev.version ?? null), t: ev.t });
      await db.tx(async (c) => {
        for (const [alias, m] of moves) {
          const r = await c.query(
            `INSERT INTO trackside.model_aliases (name, alias, version, t, pushed_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, t = excluded.t, pushed_by = excluded.pushed_by
             WHERE excluded.t >= model_aliases.t`,
            [name, alias, m.version, m.t, o.who.user],
          );
          report.aliases += r.rowCount ?? 0;
        }
        await savePosition(c, o, `models/${name}`, chunk.end);
      }, true);
    }
  }
}

async function savePosition(c: { query: (sql: string, params: unknown[]) => Promise<unknown> }, o: ModelPushOptions, log: string, at: ReadPosition): Promise<void> {
  await c.query(
    `INSERT INTO trackside.pushed_logs (origin, log, offset_bytes, lines) VALUES ($1, $2, $3, $4)
     ON CONFLICT (origin, log) DO UPDATE SET offset_bytes = excluded.offset_bytes, lines = excluded.lines`,
    [origin(o), log, at.offset, at.line],
  );
}

/** Checkpoints taken at tracked runs: metadata rows, and the notebook as a blob. */
async function pushCheckpoints(db: TeamDb, o: ModelPushOptions, report: ModelPushReport): Promise<void> {
  const dir = join(o.root, 'checkpoints');
  let keys: string[];
  try {
    keys = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return;
  }
  const logs = keys.map((k) => `checkpoints/${k}`);
  // Pushing named runs reads whole files and records no position, so the rest is pushed later.
  const done = o.runs ? new Map<string, ReadPosition>() : await pushedAt(db, o, logs);
  for (const key of keys) {
    const file = join(dir, key, 'checkpoints.jsonl');
    const size = fileSize(file);
    let pos = done.get(`checkpoints/${key}`) ?? START;
    if (pos.offset === size) continue;
    if (size < pos.offset) pos = START; // compacted: records are keyed by id, sending them again is harmless
    const text = readFileSync(file).subarray(pos.offset).toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    const records: CheckpointRecord[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      const r = line ? parseCheckpointLine(line) : undefined;
      if (r && !isDeletion(r) && r.run && (!o.runs || o.runs.has(r.run))) records.push(r);
    }
    await o.blobs(records.map((r) => r.hash));
    await db.tx(async (c) => {
      for (const r of records) {
        const res = await c.query(
          `INSERT INTO trackside.checkpoints (id, run_id, t, kind, hash, size, path, label, pushed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO NOTHING`,
          pgSafeAll([r.id, r.run, r.t, r.kind, r.hash, r.size, r.path, r.label ?? null, o.who.user]),
        );
        report.checkpoints += res.rowCount ?? 0;
      }
      if (!o.runs) await savePosition(c, o, `checkpoints/${key}`, { offset: pos.offset + Buffer.byteLength(text.slice(0, end)), line: 0 });
    }, true);
  }
}
