// Test helper: a training run with a registered model version and evaluation runs, written
// the way the client writes them (files only; the index is built by ingest and sync).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashBytes } from '../../src/core/blobs';
import type { FileEntry } from '../../src/core/events';
import { claimVersion } from '../../src/core/models/registryWrite';
import { append, makeRun } from './runFolders';

/** Stores bytes as a blob; returns its file entry. */
export function blob(root: string, path: string, data: string | Buffer): FileEntry {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const hash = hashBytes(buf);
  const dir = join(root, 'blobs', 'sha256', hash.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, hash.slice(2)), buf);
  return { path, hash, size: buf.length };
}

export interface Trained {
  runId: string;
  version: number;
  weights: FileEntry;
  code: FileEntry[];
}

/** A training run that logged `columns` for its dataset and a model version of `name`. */
export function trainingRun(root: string, id: string, name: string, t: number, columns?: unknown, weights = `weights of ${id}`): Trained {
  const w = blob(root, 'model.pkl', weights);
  const code = [blob(root, 'serve/predict.py', `# predict for ${id}\n`)];
  const data = blob(root, 'train.csv', `train data of ${id}`);
  const base = { name, hash: w.hash, size: w.size, weights: 'model.pkl', code, metadata: { threshold: 0.5 }, datasets: [{ name: 'train', hash: data.hash }] };
  const version = claimVersion(root, { t, type: 'model', ...base, run: id, source: 'client' });
  append(
    makeRun(root, id, t),
    { t, type: 'run', name: `train-${id.slice(-3)}` },
    { t: t + 1, type: 'dataset', name: 'train', path: 'train.csv', hash: data.hash, size: data.size, files: [data], ...(columns ? { columns } : {}) },
    { t: t + 2, type: 'model', ...base, version },
    { t: t + 3, type: 'status', status: 'finished', exit_code: 0 },
  );
  return { runId: id, version, weights: w, code };
}

/** An evaluation run of name@version with its final metrics and a dataset. */
export function evaluationRun(
  root: string,
  id: string,
  name: string,
  version: number,
  t: number,
  metrics: Record<string, number>,
  opts: { columns?: unknown; status?: string; ref?: string; data?: string } = {},
): void {
  const data = blob(root, 'fresh.csv', opts.data ?? `fresh data of ${id}`);
  const values: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) values[k] = Number.isFinite(v) ? v : String(v);
  append(
    makeRun(root, id, t),
    { t, type: 'run', name: `eval-${id.slice(-3)}`, job: 'evaluation' },
    { t, type: 'model_ref', name, version, ref: opts.ref ?? `${name}@${version}` },
    { t: t + 1, type: 'dataset', name: 'fresh', path: 'fresh.csv', hash: data.hash, size: data.size, files: [data], ...(opts.columns ? { columns: opts.columns } : {}) },
    { t: t + 2, type: 'metrics', step: 0, values },
    ...(opts.status === 'running' ? [] : [{ t: t + 3, type: 'status', status: opts.status ?? 'finished', exit_code: 0 }]),
  );
}
