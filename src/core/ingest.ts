// Ingest: brings the index up to date with the run folders. Each run's events.jsonl is read
// from its saved offset; each chunk is applied in one transaction together with the new
// offset, so a crash or a concurrent ingester never applies a line twice or skips one.
import { closeSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvents } from './eventApply';
import { type BadLine, type ReadPosition, readEventChunks } from './eventReader';
import { eventsPath, importedMarkPath, isValidRunId, metaPath, runDir, runsDir } from './paths';
import { fileSize, openRegularFile, readSmallFile, UnreadableFileError } from './regularFile';
import { RUN_TABLES } from './schema';
import { type Store, runRid } from './store';

export interface IngestReport {
  /** Run folders looked at. */
  runsSeen: number;
  /** Ids of runs whose index rows changed (new events, new run, reset). */
  runsChanged: string[];
  /** Ids of runs dropped from the index because their folder is gone. */
  runsRemoved: string[];
  events: number;
  points: number;
  /** Bad lines met in this ingest (the first MAX_REPORTED_BAD of them). */
  bad: BadLine[];
  /** All bad lines met in this ingest. */
  badTotal: number;
  /** Run folders whose event log could not be read (not a regular file, a link loop, no
   * permission); every other run is ingested all the same. */
  unreadable: UnreadableRun[];
}

export interface UnreadableRun {
  id: string;
  file: string;
  message: string;
}

export interface IngestOptions {
  /** Bytes read per chunk (one transaction each). */
  chunkBytes?: number;
}

const MAX_REPORTED_BAD = 1000;
const MAX_STORED_BAD_PER_RUN = 1000;

export function emptyReport(): IngestReport {
  return { runsSeen: 0, runsChanged: [], runsRemoved: [], events: 0, points: 0, bad: [], badTotal: 0, unreadable: [] };
}

/**
 * Ingests every run folder under `<root>/runs/` (new bytes only) and drops index rows of
 * runs whose folder no longer exists.
 */
export function ingestAll(store: Store, opts: IngestOptions = {}): IngestReport {
  const steps = ingestSteps(store, opts);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Progress of a whole ingest: run folders looked at of those listed, and the runs changed so far. */
export interface IngestProgress {
  done: number;
  total: number;
  changed: readonly string[];
}

/** Folders looked at between yields when they have nothing new (each costs one stat). */
const UNCHANGED_PER_YIELD = 64;
/** Runs with at most this much left to read are ingested several to one transaction. */
const SMALL_RUN_BYTES = 1 << 20;
/** How many such runs one batch holds at most, and how long it may hold the index's write lock. */
const BATCH_RUNS = 16;
const BATCH_MS = 50;

/**
 * ingestAll a few run folders at a time: yields after each batch that had new bytes (and after
 * every UNCHANGED_PER_YIELD folders that had none), so a caller can let other work in (and
 * stop) between batches; returns the report. Small runs share a transaction (a commit per
 * run made a first index of 2,000 small runs ~1.5× slower); a large log keeps one
 * transaction per chunk, so no batch holds the write lock long.
 */
export function* ingestSteps(store: Store, opts: IngestOptions = {}): Generator<IngestProgress, IngestReport> {
  const report = emptyReport();
  const listed = listRunFolders(store.root);
  const onDisk = listed ?? [];
  const known = new Map(
    (store.stmt('SELECT r.id, o.offset FROM runs r LEFT JOIN ingest_offsets o ON o.rid = r.rid').all() as { id: string; offset: number | null }[]).map(
      (r) => [r.id, r.offset],
    ),
  );
  /** Bytes left to read (at least 1 when the log is new or was replaced); 0: nothing new. */
  const unread = (id: string): number => {
    const offset = known.get(id);
    const size = fileSize(eventsPath(runDir(store.root, id)));
    if (offset !== undefined && offset !== null && size === offset) return 0;
    return Math.max(1, size - (offset ?? 0));
  };
  const progress = (): IngestProgress => ({ done: report.runsSeen, total: onDisk.length, changed: report.runsChanged });
  let next = 0;
  /** unread() of onDisk[next] when a batch ended on it. */
  let peeked: number | undefined;
  while (next < onDisk.length) {
    const left = peeked ?? unread(onDisk[next]);
    peeked = undefined;
    if (left === 0) {
      report.runsSeen++;
      next++;
      if (report.runsSeen % UNCHANGED_PER_YIELD === 0) yield progress();
      continue;
    }
    if (left > SMALL_RUN_BYTES) {
      report.runsSeen++;
      ingestInto(store, onDisk[next++], report, opts);
      yield progress();
      continue;
    }
    const until = performance.now() + BATCH_MS;
    const end = Math.min(onDisk.length, next + BATCH_RUNS);
    try {
      store.transaction(() => {
        for (let l = left; ; ) {
          report.runsSeen++;
          if (l > 0) ingestInto(store, onDisk[next], report, opts);
          next++;
          if (next >= end || performance.now() > until) return;
          l = unread(onDisk[next]);
          if (l > SMALL_RUN_BYTES) {
            peeked = l;
            return;
          }
        }
      }, 'immediate');
    } catch (e) {
      // Key ids cached in the rolled-back batch may not exist.
      store.keyIds.clear();
      throw e;
    }
    yield progress();
  }
  if (listed === undefined) return report;
  const present = new Set(onDisk);
  for (const id of known.keys()) {
    if (!present.has(id)) {
      removeRun(store, id);
      report.runsRemoved.push(id);
    }
  }
  return report;
}

/** Ingests one run folder (or drops the run from the index when its folder is gone). */
export function ingestRun(store: Store, id: string, opts: IngestOptions = {}): IngestReport {
  const report = emptyReport();
  if (!isValidRunId(id)) return report;
  const dir = runDir(store.root, id);
  if (!isRunFolder(dir)) {
    if (removeRun(store, id)) report.runsRemoved.push(id);
    return report;
  }
  report.runsSeen = 1;
  ingestInto(store, id, report, opts);
  return report;
}

/** Each run on its own: a run folder whose log cannot be read is reported, not fatal. */
function ingestInto(store: Store, id: string, report: IngestReport, opts: IngestOptions): void {
  try {
    ingestReadable(store, id, report, opts);
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    report.unreadable.push({ id, file: e.file, message: e.reason });
  }
}

function ingestReadable(store: Store, id: string, report: IngestReport, opts: IngestOptions): void {
  const file = eventsPath(runDir(store.root, id));
  // Checked before the run is registered, so a log that never reads lists no empty run.
  const fd = openRegularFile(file);
  if (fd !== undefined) closeSync(fd);
  let changed = false;
  let rid = runRid(store, id);
  if (rid === undefined) {
    rid = registerRun(store, id);
    changed = true;
  }
  let pos = savedPosition(store, rid);
  const size = fileSize(file);
  if (size < pos.offset) {
    // The log shrank: it was replaced, not appended to. Start this run over from it.
    removeRun(store, id);
    rid = registerRun(store, id);
    pos = { offset: 0, line: 0 };
    changed = true;
  }
  // A concurrent ingester may move the offset under us; then continue from where it is.
  for (let attempt = 0; attempt < 3; attempt++) {
    const raced = readFrom(store, rid, file, pos, report, opts, () => (changed = true));
    if (!raced) break;
    pos = savedPosition(store, rid);
  }
  if (changed) report.runsChanged.push(id);
}

/** Returns true when another writer had already moved this run's offset. */
function readFrom(
  store: Store,
  rid: number,
  file: string,
  from: ReadPosition,
  report: IngestReport,
  opts: IngestOptions,
  onChange: () => void,
): boolean {
  let raced = false;
  for (const chunk of readEventChunks(file, from, { chunkBytes: opts.chunkBytes })) {
    const apply = (): boolean => {
      const saved = savedPosition(store, rid);
      if (saved.offset !== chunk.start.offset) return false;
      const points = applyEvents(store, rid, chunk.events, chunk.lines);
      const badBefore = (store.stmt('SELECT bad FROM ingest_offsets WHERE rid = ?').pluck().get(rid) as number) ?? 0;
      let stored = badBefore;
      for (const b of chunk.bad) {
        if (stored >= MAX_STORED_BAD_PER_RUN) break;
        store.stmt('INSERT OR REPLACE INTO bad_lines (rid, line, message) VALUES (?, ?, ?)').run(rid, b.line, b.message);
        stored++;
      }
      store
        .stmt('UPDATE ingest_offsets SET offset = ?, lines = ?, bad = bad + ? WHERE rid = ?')
        .run(chunk.end.offset, chunk.end.line, chunk.bad.length, rid);
      report.points += points;
      return true;
    };
    let applied: boolean;
    try {
      applied = store.transaction(apply, 'immediate');
    } catch (e) {
      // Key ids cached during the rolled-back transaction may not exist.
      store.keyIds.clear();
      throw e;
    }
    if (!applied) {
      raced = true;
      break;
    }
    report.events += chunk.events.length;
    report.badTotal += chunk.bad.length;
    for (const b of chunk.bad) if (report.bad.length < MAX_REPORTED_BAD) report.bad.push(b);
    if (chunk.events.length > 0 || chunk.bad.length > 0) onChange();
  }
  return raced;
}

function savedPosition(store: Store, rid: number): ReadPosition {
  const row = store.stmt('SELECT offset, lines FROM ingest_offsets WHERE rid = ?').get(rid) as
    | { offset: number; lines: number }
    | undefined;
  return row ? { offset: row.offset, line: row.lines } : { offset: 0, line: 0 };
}

function registerRun(store: Store, id: string): number {
  const created = readCreated(metaPath(store.root, id));
  const imported = readImported(importedMarkPath(store.root, id));
  return store.transaction(() => {
      const existing = runRid(store, id);
      if (existing !== undefined) return existing;
      const rid = store.stmt('INSERT INTO runs (id, created, imported) VALUES (?, ?, ?)').run(id, created, imported).lastInsertRowid;
      store.stmt('INSERT INTO ingest_offsets (rid, offset, lines, bad) VALUES (?, 0, 0, 0)').run(rid);
      return rid;
    }, 'immediate');
}

/** Deletes a run and everything under it from the index. Returns whether it was there. */
export function removeRun(store: Store, id: string): boolean {
  return store.transaction(() => {
      const rid = runRid(store, id);
      if (rid === undefined) return false;
      store.stmt('DELETE FROM artifact_files WHERE aid IN (SELECT aid FROM artifacts WHERE rid = ?)').run(rid);
      store.stmt('DELETE FROM artifacts WHERE rid = ?').run(rid);
      store.stmt('DELETE FROM dataset_files WHERE did IN (SELECT did FROM datasets WHERE rid = ?)').run(rid);
      store.stmt('DELETE FROM datasets WHERE rid = ?').run(rid);
      for (const table of RUN_TABLES) store.stmt(`DELETE FROM ${table} WHERE rid = ?`).run(rid);
      store.stmt('DELETE FROM runs WHERE rid = ?').run(rid);
      return true;
    }, 'immediate');
}

const MAX_META_BYTES = 1024 * 1024;

/** meta.json "created": unix ms, or an ISO date string. */
/** imported.json "from": where an imported run folder came from. */
function readImported(file: string): string | null {
  if (!existsSync(file)) return null;
  try {
    const mark = JSON.parse(readSmallFile(file, MAX_META_BYTES) ?? '') as { from?: unknown };
    if (typeof mark.from === 'string' && mark.from) return mark.from;
  } catch {
    // an unreadable mark still marks the run
  }
  return 'elsewhere';
}

function readCreated(file: string): number | null {
  try {
    const meta = JSON.parse(readSmallFile(file, MAX_META_BYTES) ?? '') as { created?: unknown };
    if (typeof meta.created === 'number' && Number.isFinite(meta.created)) {
      // Seconds (Python time.time()) rather than milliseconds.
      return meta.created < 1e11 ? Math.round(meta.created * 1000) : meta.created;
    }
    if (typeof meta.created === 'string') {
      const ms = Date.parse(meta.created);
      return Number.isNaN(ms) ? null : ms;
    }
  } catch {
    // No or unreadable meta.json: the first event gives the start time.
  }
  return null;
}

/** A folder with an events.jsonl or a meta.json of any kind: one that cannot be read is
 * reported by ingest rather than passed over. */
function isRunFolder(dir: string): boolean {
  return hasEntry(join(dir, 'events.jsonl')) || hasEntry(join(dir, 'meta.json'));
}

function hasEntry(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Run folder names under runs/, sorted (ids sort by start time): [] when there is no runs/
 * folder, undefined when it cannot be read (so nothing is dropped from the index by mistake).
 */
export function listRunFolders(root: string): string[] | undefined {
  let entries;
  try {
    entries = readdirSync(runsDir(root), { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? [] : undefined;
  }
  return entries
    .filter((d) => d.isDirectory() && isValidRunId(d.name) && isRunFolder(join(runsDir(root), d.name)))
    .map((d) => d.name)
    .sort();
}
