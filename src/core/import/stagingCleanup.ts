// Imports write a run into a hidden `runs/.import-<pid>-<random>` folder and rename it into
// place when complete. An import that was killed leaves its folder behind; the next import
// removes those whose process is gone (or, for names without a pid, that are a day old).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runsDir } from '../paths';

const STAGING = /^\.import-(?:(\d+)-)?[0-9a-f]+$/;
const DAY_MS = 24 * 3600 * 1000;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders left by imports that are no longer running; returns their names. */
export function removeStaleStaging(root: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(root));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = STAGING.exec(name);
    if (!m) continue;
    const dir = join(runsDir(root), name);
    let age: number;
    try {
      age = now - statSync(dir).mtimeMs;
    } catch {
      continue;
    }
    // A pid may be reused by another process: a staging folder untouched for a day is stale anyway.
    const stale = m[1] ? !alive(Number(m[1])) || age > DAY_MS : age > DAY_MS;
    if (!stale) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
