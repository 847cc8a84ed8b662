// Finds every store under a path: MLflow file stores (mlruns trees, or one experiment or run
// folder), SQLite files with MLflow's tables (whatever their name), TensorBoard event files and
// Trackside archives, at any depth up to MAX_DEPTH. Links to folders are followed once: a link
// back into a folder already seen (a loop) is passed by. Inside an MLflow store nothing more is
// looked for (event files there are a run's artifacts), nor in `.trackside`, hidden folders
// or node_modules.
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ARCHIVE_MANIFEST } from '../export/runArchive';
import { isMlflowDb, isSqliteFile, missingMlflowTables } from './importMlflowDb';
import { mlflowFolderKind } from './importMlflowFiles';
import { isEventFile } from './importTensorboard';

export const MAX_DEPTH = 12;
const MAX_ENTRIES = 200_000;
const SKIP = new Set(['node_modules', '__pycache__']);

export type StoreKind = 'tensorboard' | 'mlflow-folder' | 'mlflow-db' | 'archive';

export interface FoundStores {
  /** In import order; a TensorBoard entry is the folder searched (its runs are found below it). */
  stores: { kind: StoreKind; path: string }[];
  /** Folders (of MLflow stores) whose event files are not TensorBoard runs of their own. */
  inside: Set<string>;
  problems: { path: string; message: string }[];
  warnings: { path: string; message: string }[];
}

function head(path: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** gzip data, or a ustar/GNU tar header. */
function looksLikeArchive(path: string): boolean {
  const h = head(path, 512);
  if (h.length >= 2 && h[0] === 0x1f && h[1] === 0x8b) return true;
  return h.length === 512 && h.subarray(257, 262).toString('latin1') === 'ustar';
}

const ARCHIVE_NAME = /\.(tar|tgz|tar\.gz)$/i;

/** What a single file given on its own is; a message when it is none of the importable kinds. */
export function fileKind(path: string): StoreKind | string {
  if (isEventFile(basename(path))) return 'tensorboard';
  if (isSqliteFile(path)) {
    let missing: string[];
    try {
      missing = missingMlflowTables(path);
    } catch (e) {
      return `a damaged or unreadable SQLite database (${(e as Error).message})`;
    }
    return missing.length ? `an SQLite database, but not an MLflow store (no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''})` : 'mlflow-db';
  }
  if (statSync(path).size === 0) return 'an empty file: not a TensorBoard event file, MLflow database or Trackside archive';
  if (looksLikeArchive(path) || ARCHIVE_NAME.test(path)) return 'archive';
  return 'not a TensorBoard event file, MLflow database (mlflow.db) or Trackside archive';
}

export function findStores(path: string): FoundStores {
  const found: FoundStores = { stores: [], inside: new Set(), problems: [], warnings: [] };
  const st = statSync(path);
  if (!st.isDirectory()) {
    const kind = fileKind(path);
    if (kind === 'tensorboard' || kind === 'mlflow-db' || kind === 'archive' || kind === 'mlflow-folder') found.stores.push({ kind, path });
    else found.problems.push({ path, message: kind });
    return found;
  }
  const seen = new Set<string>();
  let entries = 0;
  let events = false;
  const mlflowFolders: string[] = [];
  const dbs: string[] = [];
  const archives: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return; // a link loop, or a folder reached twice
    seen.add(real);
    if (mlflowFolderKind(dir)) {
      mlflowFolders.push(dir);
      found.inside.add(dir);
      return;
    }
    let list;
    try {
      list = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      found.problems.push({ path: dir, message: `folder cannot be read: ${(e as Error).message}` });
      return;
    }
    for (const d of list) {
      if (++entries > MAX_ENTRIES) {
        if (entries === MAX_ENTRIES + 1) found.warnings.push({ path, message: `more than ${MAX_ENTRIES} files and folders: the search stopped there` });
        return;
      }
      if (d.name.startsWith('.') || SKIP.has(d.name)) continue;
      const p = join(dir, d.name);
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        try {
          const t = statSync(p);
          isDir = t.isDirectory();
          isFile = t.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDir) {
        if (depth < MAX_DEPTH) walk(p, depth + 1);
        else found.warnings.push({ path: p, message: `deeper than ${MAX_DEPTH} folders below ${path}: not searched` });
      } else if (isFile) {
        if (isEventFile(d.name)) events = true;
        else if (isMlflowDb(p)) dbs.push(p);
        else if (ARCHIVE_NAME.test(d.name) && isTracksideArchive(p)) archives.push(p);
      }
    }
  };
  walk(path, 0);
  for (const p of mlflowFolders) found.stores.push({ kind: 'mlflow-folder', path: p });
  for (const p of dbs) found.stores.push({ kind: 'mlflow-db', path: p });
  if (events) found.stores.push({ kind: 'tensorboard', path });
  for (const p of archives) found.stores.push({ kind: 'archive', path: p });
  return found;
}

/** A Trackside archive names its manifest first; a plain tar's first name is something else. */
function isTracksideArchive(path: string): boolean {
  try {
    const h = head(path, 1024);
    if (h[0] === 0x1f && h[1] === 0x8b) return true; // compressed: let the archive reader decide
    return h.subarray(0, 100).toString('latin1').startsWith(ARCHIVE_MANIFEST);
  } catch {
    return false;
  }
}
