// A run's MLflow artifacts, read only from inside the folder being imported: an artifact_uri
// naming any other place on this machine is never followed (a meta.yaml saying
// `file:///home/me/.ssh` must not copy keys into the blob store), and said so in the report.
// A URI recorded on another machine (`file:///C:/…`, `/Users/…`) or by a tracking server
// (`mlflow-artifacts:/…`) is looked for next to the store, where a copied project keeps it.
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { putFile } from '../blobs';
import { listFiles } from '../listFiles';
import type { FileEntry } from '../events';
import type { RunLines } from './importedRun';
import type { ImportReport } from './importTypes';

/** Largest artifact file read; bigger ones are left out with a warning. */
export const MAX_ARTIFACT_BYTES = 16 * 1024 ** 3;

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Whether `p` (links resolved) is `within` or below it. */
export function isInside(p: string, within: string): boolean {
  const rp = real(p);
  const rw = real(within);
  if (!rp || !rw) return false;
  const rel = relative(rw, rp);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The path an artifact URI names on this machine, if it names one. */
function uriPath(uri: string, base: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // A Windows URI read on POSIX: its path part.
      return decodeURIComponent(uri.replace(/^file:\/*/, '/'));
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return undefined;
  return isAbsolute(uri) ? uri : join(base, uri);
}

/** The URI's path parts from the experiment id on (`<exp>/<run>/artifacts/…`), when it names the run. */
function runSuffix(uri: string, runUuid: string): string[] | undefined {
  const parts = uri.replace(/^[a-z][a-z0-9+.-]*:\/*/i, '').split(/[\\/]+/).filter(Boolean);
  const i = parts.lastIndexOf(runUuid);
  return i >= 1 ? parts.slice(i - 1) : undefined;
}

export interface ArtifactLookup {
  uri: string | null;
  runUuid: string;
  /** Folder a relative URI is relative to. */
  base: string;
  /** Folders tried in order when the URI does not lead inside `within` (the store's own layout). */
  nextTo: string[];
  /** Folders under which the URI's `<experiment>/<run>/artifacts/…` part is looked for. */
  storeRoots?: string[];
  /** The folder being imported: nothing outside it is read. */
  within: string;
  /** For the report. */
  where: string;
}

/** The local folder holding a run's artifacts, or null. */
export function findArtifactDir(a: ArtifactLookup, report: ImportReport): string | null {
  const p = a.uri ? uriPath(a.uri, a.base) : undefined;
  let outside = false;
  if (p && isDir(p)) {
    if (isInside(p, a.within)) return p;
    outside = true;
  }
  const suffix = a.uri ? runSuffix(a.uri, a.runUuid) : undefined;
  const candidates = [...a.nextTo, ...(suffix ? (a.storeRoots ?? []).map((d) => join(d, ...suffix)) : [])];
  const found = candidates.find((c) => isDir(c) && isInside(c, a.within)) ?? null;
  if (outside) {
    const instead = found ? `; the run's own ${relative(a.within, found) || '.'} was read instead` : '';
    report.warnings.push({ path: a.where, message: `artifact_uri ${a.uri} is outside ${a.within}: not read (artifacts are only read from inside the folder being imported)${instead}` });
  }
  return found;
}

/** Stores a folder's regular files as blobs (links and oversized files left out, with a warning). */
export async function storeFolder(root: string, dir: string, within: string, report: ImportReport): Promise<FileEntry[]> {
  const files: FileEntry[] = [];
  for (const [rel, file] of listFiles(dir)) {
    if (!isInside(file, within)) continue;
    const size = statSync(file).size;
    if (size > MAX_ARTIFACT_BYTES) {
      report.warnings.push({ path: file, message: `artifact of ${size} bytes is over the ${MAX_ARTIFACT_BYTES}-byte limit: left out` });
      continue;
    }
    const blob = await putFile(root, file);
    files.push({ path: rel.split(sep).join('/'), hash: blob.hash, size: blob.size });
  }
  return files;
}

export function manifestHash(files: FileEntry[]): string {
  return createHash('sha256')
    .update(files.map((f) => `${f.hash}  ${f.size}  ${f.path}\n`).sort().join(''))
    .digest('hex');
}

/**
 * Each top-level entry of the artifact folder as an artifact (a folder holding MLmodel is a
 * model); only entries whose content differs from `known` (name → hash) are written.
 * Returns the names and hashes now there.
 */
export async function writeArtifacts(
  root: string,
  sink: RunLines,
  dir: string,
  t: number,
  within: string,
  known: Record<string, string>,
  report: ImportReport,
): Promise<Record<string, string>> {
  const now: Record<string, string> = {};
  for (const [name, entry] of topEntries(dir)) {
    if (!isInside(entry, within)) continue;
    const st = statSync(entry);
    if (st.isFile()) {
      if (st.size > MAX_ARTIFACT_BYTES) {
        report.warnings.push({ path: entry, message: `artifact of ${st.size} bytes is over the ${MAX_ARTIFACT_BYTES}-byte limit: left out` });
        continue;
      }
      const blob = await putFile(root, entry);
      now[name] = blob.hash;
      if (known[name] !== blob.hash) sink.event({ t, type: 'artifact', name, kind: 'file', hash: blob.hash, size: blob.size, source: name });
    } else if (st.isDirectory()) {
      const files = await storeFolder(root, entry, within, report);
      const hash = manifestHash(files);
      now[name] = hash;
      if (known[name] === hash) continue;
      const kind = files.some((f) => f.path === 'MLmodel') ? 'model' : 'folder';
      sink.event({ t, type: 'artifact', name, kind, hash, size: files.reduce((n, f) => n + f.size, 0), files, source: name });
    }
  }
  return now;
}

function topEntries(dir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [rel, abs] of listFiles(dir)) {
    const name = rel.split('/')[0];
    if (!out.length || out[out.length - 1][0] !== name) out.push([name, rel.includes('/') ? join(dir, name) : abs]);
  }
  return out;
}
