// Where things live under a `.trackside` folder. "root" below always means that folder
// itself (the one holding runs/, blobs/ and index.db), not the workspace around it.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const ROOT_DIR_NAME = '.trackside';

// Run ids are folder names; anything that could leave runs/ is refused.
const RUN_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The `.trackside` folder for `startDir`: `TRACKSIDE_HOME` when set (the folder itself,
 * as the Python client reads it), else the nearest `.trackside/` walking up.
 * Returns undefined when there is none.
 */
export function findRoot(startDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = env.TRACKSIDE_HOME;
  if (home) {
    const abs = resolve(startDir, home);
    return isDir(abs) ? abs : undefined;
  }
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, ROOT_DIR_NAME);
    if (isDir(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function isValidRunId(id: string): boolean {
  return RUN_ID_RE.test(id) && id.length <= 200;
}

export function runsDir(root: string): string {
  return join(root, 'runs');
}

export function runDir(root: string, id: string): string {
  if (!isValidRunId(id)) throw new Error(`Invalid run id: ${JSON.stringify(id)}`);
  return join(root, 'runs', id);
}

/** The event log in a run's folder (`runDir(root, id)`). */
export function eventsPath(runFolder: string): string {
  return join(runFolder, 'events.jsonl');
}

export function metaPath(root: string, id: string): string {
  return join(runDir(root, id), 'meta.json');
}

/** Present when the run folder was imported (an archive made elsewhere): `{ "from", "t" }`. */
export function importedMarkPath(root: string, id: string): string {
  return join(runDir(root, id), 'imported.json');
}

export function runFilesDir(root: string, id: string): string {
  return join(runDir(root, id), 'files');
}

export function indexPath(root: string): string {
  return join(root, 'index.db');
}
