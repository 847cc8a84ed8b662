// A run folder: <root>/runs/<id>/ with meta.json, events.jsonl and files/.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_LOG_VERSION } from '../events';
import { runDir, runsDir } from '../paths';
import { newRunId } from './runId';

export interface RunMeta {
  version: number;
  id: string;
  /** Unix ms. */
  created: number;
}

/** Makes the folder (failing if it exists, so two starts never share one) and writes
 * meta.json through a temp file so a reader never sees half of it. */
export function createRunFolder(root: string, id: string, now: number = Date.now()): { dir: string; meta: RunMeta } {
  const dir = runDir(root, id);
  mkdirSync(runsDir(root), { recursive: true });
  mkdirSync(dir);
  mkdirSync(join(dir, 'files'));
  const meta: RunMeta = { version: EVENT_LOG_VERSION, id, created: now };
  const tmp = join(dir, '.meta.json.tmp');
  writeFileSync(tmp, JSON.stringify(meta) + '\n');
  renameSync(tmp, join(dir, 'meta.json'));
  return { dir, meta };
}

/** A new run's folder under a fresh id. */
export function newRunFolder(root: string): { id: string; dir: string } {
  for (let attempt = 0; ; attempt++) {
    const id = newRunId();
    try {
      return { id, dir: createRunFolder(root, id).dir };
    } catch (err) {
      // Same second and same 6 random hex: try another id.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
  }
}
