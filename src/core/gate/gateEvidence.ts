// What the gate holds each side to: finished evaluation runs of a version, found by the
// hash of the data set they logged, so both sides are judged on the very same data.
import { statSync } from 'node:fs';
import { manifestHash } from '../import/mlflowArtifacts';
import { hashFileSync } from '../blobs';
import { listFiles } from '../listFiles';
import { type EvaluationInfo, evaluations } from '../models/modelQueries';
import type { Store } from '../store';

/** Finished evaluation runs of a version, oldest first. */
export function finishedEvaluations(store: Store, name: string, version: number): EvaluationInfo[] {
  return evaluations(store, name, version).filter((e) => e.status === 'finished');
}

export function evaluatedOn(e: EvaluationInfo, hash: string): boolean {
  return e.datasets.some((d) => d.hash === hash);
}

/** The newest of `evals` that logged the data set `hash`. */
export function latestOn(evals: EvaluationInfo[], hash: string): EvaluationInfo | undefined {
  for (let i = evals.length - 1; i >= 0; i--) if (evaluatedOn(evals[i], hash)) return evals[i];
  return undefined;
}

/** The data set of the candidate's newest evaluation that the baseline was evaluated on too. */
export function commonDataset(candidate: EvaluationInfo[], baseline: EvaluationInfo[]): { hash: string; candidate: EvaluationInfo; baseline: EvaluationInfo } | undefined {
  for (let i = candidate.length - 1; i >= 0; i--) {
    for (const d of candidate[i].datasets) {
      const b = latestOn(baseline, d.hash);
      if (b) return { hash: d.hash, candidate: candidate[i], baseline: b };
    }
  }
  return undefined;
}


/**
 * The hash `log_dataset` gives a file or folder: a file's SHA-256, a folder's manifest hash.
 * Undefined when there is nothing at `path`.
 */
export function dataSetHash(path: string): string | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return undefined;
  }
  if (!isDir) return hashFileSync(path).hash;
  return manifestHash(listFiles(path).map(([rel, abs]) => ({ path: rel, ...hashFileSync(abs) })));
}

/** "customers (data/test.csv)" for the data set `hash` as an evaluation logged it. */
export function dataSetOf(e: EvaluationInfo | undefined, hash: string): { name: string | null; path: string | null } {
  const d = e?.datasets.find((x) => x.hash === hash);
  return { name: d?.name ?? null, path: d?.path ?? null };
}
