// A sweep made from its file: the spec checked, the trials of a grid or random sweep worked
// out (a bayes sweep's are suggested one by one as they start), and the queue written.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSweep, newSweepId, type SweepState, type Trial } from './sweepState';
import { parseSweep } from './sweepSpec';
import { gridTrials, randomTrials } from './sweepSuggest';

export function newSweepFromFile(root: string, file: string, workspaceDir: string): SweepState {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the sweep file ${abs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const spec = parseSweep(text, abs);
  const now = Date.now();
  const params = spec.method === 'grid' ? gridTrials(spec) : spec.method === 'random' ? randomTrials(spec) : Array.from({ length: spec.runCap }, () => ({}));
  const trials: Trial[] = params.map((p, i) => ({ key: i + 1, params: p, status: 'queued', queued: now }));
  return createSweep(root, { id: newSweepId(), name: spec.name, file: abs, workspaceDir: resolve(workspaceDir), spec, status: 'running', trials });
}
