// Test helper: writes .trackside run folders the way the client does (no index involved).
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempRoot {
  /** The workspace folder. */
  workspace: string;
  /** Its `.trackside` folder. */
  root: string;
  cleanup(): void;
}

export function tempRoot(prefix = 'trackside-test-'): TempRoot {
  const workspace = mkdtempSync(join(tmpdir(), prefix));
  const root = join(workspace, '.trackside');
  mkdirSync(join(root, 'runs'), { recursive: true });
  return { workspace, root, cleanup: () => rmSync(workspace, { recursive: true, force: true }) };
}

/** Creates the run folder with meta.json; returns the events.jsonl path. */
export function makeRun(root: string, id: string, created = Date.UTC(2024, 0, 1)): string {
  const dir = join(root, 'runs', id);
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, id, created }));
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, '', { flag: 'a' });
  return file;
}

/** Appends events (objects become JSON lines; strings are written as given). */
export function append(file: string, ...items: (object | string)[]): void {
  appendFileSync(file, items.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) + '\n')).join(''));
}

/** JSON the way the client writes non-finite metric values. */
export function metricsLine(t: number, step: number, values: Record<string, number>, epoch?: number): string {
  const vals: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(values)) vals[k] = Number.isFinite(v) ? v : String(v);
  return JSON.stringify(epoch === undefined ? { t, type: 'metrics', step, values: vals } : { t, type: 'metrics', step, epoch, values: vals }) + '\n';
}

/** A deterministic pseudo-random generator. */
export { seededRandom as rng } from '../../src/core/seededRandom';
