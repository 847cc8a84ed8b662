// Code snapshot cost when nothing changed: a run start in a workspace of 2,000 source
// files should cost stats, not hashing or copying. Baseline: the first (cold) snapshot.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSnapshotCache, snapshotCode } from '../../src/core/runner/snapshot';
import { figure, median } from './report';
import type { Figure } from './report';

export async function run(): Promise<Figure[]> {
  const ws = mkdtempSync(join(tmpdir(), 'ts-bench-snap-'));
  try {
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(ws, `pkg${d}`));
      for (let f = 0; f < 50; f++) writeFileSync(join(ws, `pkg${d}`, `m${f}.py`), `# module ${d}/${f}\n${'x = 1\n'.repeat(200)}`);
    }
    const root = join(ws, '.trackside');
    const cache = createSnapshotCache();
    let t = performance.now();
    await snapshotCode(root, ws, { useGit: false, cache });
    const cold = performance.now() - t;
    // Unchanged files in a new process: no stat cache, one hash each, no copies.
    t = performance.now();
    await snapshotCode(root, ws, { useGit: false, cache: createSnapshotCache() });
    const rehash = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await snapshotCode(root, ws, { useGit: false, cache });
      warm.push(performance.now() - t);
    }
    return [
      figure('snapshot 2,000 unchanged files (stat cache)', median(warm), 'ms', cold, '<= 250 ms and ratio <= 0.5', (v, r) => v <= 250 && r <= 0.5),
      figure('snapshot 2,000 unchanged files (new process)', rehash, 'ms', cold, 'ratio <= 1', (_v, r) => r <= 1),
    ];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
