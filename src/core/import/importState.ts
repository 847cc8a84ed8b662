// How far each imported run's sources were read, so importing them again brings in only what
// was added since, and reads nothing when they did not change. One small JSON file per
// imported run under `.trackside/imports/`, named after the run's origin. It is bookkeeping
// for the importer only: the run folder stays the record of the run (the index is rebuilt
// from run folders alone), and without this file a run is simply not updated any more.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../paths';
import type { ImportFormat } from './importTypes';

/** A source file as last seen: size and mtime, and how far it was read. */
export interface FileMark {
  size: number;
  mtime: number;
  /** Bytes read (records or lines up to here are in the run). */
  offset?: number;
  /** Rows read (the highest rowid of an SQL store). */
  rows?: number;
}

export interface SyncState {
  version: 1;
  origin: string;
  format: ImportFormat;
  /** The run folder these sources were imported into. */
  id: string;
  /** The folder or store it was read from (an MLflow run folder, a TensorBoard run folder, an mlflow.db). */
  source: string;
  files: Record<string, FileMark>;
  /** The run's events.jsonl size after the last append; `pending` while an append is under way. */
  eventsSize: number;
  pending?: number;
  /** Format-specific details (status written, params and tags seen, folders of the run …). */
  detail: Record<string, unknown>;
}

export function importsDir(root: string): string {
  return join(root, 'imports');
}

function stateFile(root: string, origin: string): string {
  return join(importsDir(root), `${createHash('sha256').update(origin).digest('hex').slice(0, 24)}.json`);
}

function parse(text: string): SyncState | undefined {
  try {
    const s = JSON.parse(text) as SyncState;
    return s && s.version === 1 && typeof s.origin === 'string' && typeof s.id === 'string' && typeof s.files === 'object' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The state of an origin whose run folder still exists. */
export function loadState(root: string, origin: string): SyncState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile(root, origin), 'utf8');
  } catch {
    return undefined;
  }
  const s = parse(text);
  return s && s.origin === origin && existsSync(runDir(root, s.id)) ? s : undefined;
}

/** Every state whose run folder still exists (read once per import to find runs by folder). */
export function loadAllStates(root: string): SyncState[] {
  let names: string[];
  try {
    names = readdirSync(importsDir(root)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: SyncState[] = [];
  for (const n of names) {
    try {
      const s = parse(readFileSync(join(importsDir(root), n), 'utf8'));
      if (s && existsSync(runDir(root, s.id))) out.push(s);
    } catch {
      // unreadable: as if absent
    }
  }
  return out;
}

/** Written whole to a temporary file and renamed, so a reader never sees half of it. */
export function saveState(root: string, state: SyncState): void {
  mkdirSync(importsDir(root), { recursive: true });
  const file = stateFile(root, state.origin);
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(state) + '\n');
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function dropState(root: string, origin: string): void {
  rmSync(stateFile(root, origin), { force: true });
}

/** Size and mtime of a file, or undefined when it is gone. */
export function markOf(file: string): FileMark | undefined {
  try {
    const st = statSync(file);
    return { size: st.size, mtime: Math.round(st.mtimeMs) };
  } catch {
    return undefined;
  }
}

/** Whether a file is as it was when last read (same size and mtime). */
export function unchanged(mark: FileMark | undefined, now: FileMark | undefined): boolean {
  return !!mark && !!now && mark.size === now.size && mark.mtime === now.mtime;
}

/** What a whole store (an mlflow.db) looked like when last read: unchanged, it is not opened. */
export interface SourceMark {
  files: Record<string, FileMark>;
}

function sourceFile(root: string, key: string): string {
  return join(importsDir(root), `source-${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`);
}

export function loadSourceMark(root: string, key: string): SourceMark | undefined {
  try {
    const m = JSON.parse(readFileSync(sourceFile(root, key), 'utf8')) as SourceMark;
    return m && typeof m.files === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

export function saveSourceMark(root: string, key: string, mark: SourceMark): void {
  mkdirSync(importsDir(root), { recursive: true });
  writeFileSync(sourceFile(root, key), JSON.stringify(mark) + '\n');
}
