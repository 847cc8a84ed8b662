// One MLflow run (from either store) written as a Trackside run. Params are strings in MLflow:
// ones that read as numbers or booleans become numbers and booleans, so queries can compare
// them. Tags: mlflow.runName → name, mlflow.note.content → note, mlflow.source.git.* → git,
// mlflow.source.name → script; other mlflow.* tags are left out; the user's tags become
// "key=value" tags ("key" when the value is empty). Local artifacts are stored as blobs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { putFile } from '../blobs';
import type { ParamValue, RunStatus } from '../events';
import { ImportedRunWriter, importSlot } from './importedRun';
import type { ImportOptions, ImportReport } from './importTypes';
import { listFiles } from '../listFiles';

export interface MlflowPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  uuid: string;
  experiment: string | null;
  name: string | null;
  /** MLflow's status: a name (SQL store) or its number (file store). */
  status: string | number | null;
  start: number | null;
  end: number | null;
  params: [string, string][];
  tags: [string, string | null][];
  /** Points in log order (by timestamp, then step). */
  metrics: MlflowPoint[];
  /** Local folder holding the run's artifacts, if there is one. */
  artifacts: string | null;
  /** Where it was read from, for reports. */
  path: string;
}

const STATUS_NAMES = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

function status(s: string | number | null): RunStatus {
  const name = typeof s === 'number' ? STATUS_NAMES[s] : String(s ?? '').toUpperCase();
  // A run left RUNNING or SCHEDULED in MLflow did not end by itself: it was stopped somehow.
  return name === 'FINISHED' ? 'finished' : name === 'FAILED' ? 'failed' : 'stopped';
}

function paramValue(v: string): ParamValue {
  if (/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(v.trim())) return Number(v);
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  if (v === 'None') return null;
  return v;
}

/** A folder of artifacts from an artifact URI: file:// URIs and plain paths (relative to `base`). */
export function localArtifactDir(uri: string | null, base: string): string | null {
  if (!uri) return null;
  let path: string;
  if (uri.startsWith('file:')) {
    try {
      path = fileURLToPath(uri);
    } catch {
      return null;
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return null;
  else path = join(uri.startsWith('/') ? '' : base, uri);
  return existsSync(path) && statSync(path).isDirectory() ? path : null;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function writeMlflowRun(root: string, run: MlflowRun, report: ImportReport, opts: ImportOptions): Promise<void> {
  const origin = `mlflow:${run.uuid}`;
  const start = run.start ?? run.metrics[0]?.timestamp ?? 0;
  const slot = importSlot(root, start, origin);
  if (slot.present) {
    report.alreadyPresent.push({ id: slot.id, origin });
    return;
  }
  const tags: string[] = [];
  let name = run.name;
  let note: string | null = null;
  let script: string | null = null;
  const git: { commit?: string; branch?: string } = {};
  for (const [k, v] of run.tags) {
    if (k === 'mlflow.runName') name ??= v;
    else if (k === 'mlflow.note.content') note = v;
    else if (k === 'mlflow.source.git.commit' && v) git.commit = v;
    else if (k === 'mlflow.source.git.branch' && v) git.branch = v;
    else if (k === 'mlflow.source.name') script = v;
    else if (!k.startsWith('mlflow.')) tags.push(v ? `${k}=${v}` : k);
  }
  const writer = new ImportedRunWriter(root, slot.id, {
    t: start,
    name,
    experiment: run.experiment,
    params: Object.fromEntries(run.params.map(([k, v]) => [k, paramValue(v)])),
    tags,
    note,
    script,
    git,
    import: { format: 'mlflow', origin, path: run.path },
  });
  try {
    // Consecutive points at the same time and step share a line.
    let keys: string[] = [];
    let values: number[] = [];
    let t = Number.NaN;
    let step = Number.NaN;
    let last = start;
    for (let i = 0; i < run.metrics.length; i++) {
      const p = run.metrics[i];
      const quoted = JSON.stringify(p.key);
      if (p.timestamp !== t || p.step !== step || keys.includes(quoted)) {
        if (keys.length) writer.metrics(t, step, keys, values);
        keys = [];
        values = [];
        t = p.timestamp;
        step = p.step;
      }
      keys.push(quoted);
      values.push(p.value);
      if (p.timestamp > last) last = p.timestamp;
      if (i % 100_000 === 99_999) {
        await tick();
        opts.signal?.throwIfAborted();
      }
    }
    if (keys.length) writer.metrics(t, step, keys, values);
    if (run.artifacts) await writeArtifacts(root, writer, run.artifacts, last);
    writer.status(Math.max(run.end ?? last, start), status(run.status));
    if (writer.finish()) {
      report.imported.push({ id: slot.id, name, format: 'mlflow', origin, points: writer.points });
      report.points += writer.points;
    } else report.alreadyPresent.push({ id: slot.id, origin });
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Each top-level entry of the artifact folder as an artifact; a folder holding MLmodel is a model. */
async function writeArtifacts(root: string, writer: ImportedRunWriter, dir: string, t: number): Promise<void> {
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = join(dir, d.name);
    if (d.isFile()) {
      const blob = await putFile(root, abs);
      writer.event({ t, type: 'artifact', name: d.name, kind: 'file', hash: blob.hash, size: blob.size, source: d.name });
    } else if (d.isDirectory()) {
      const files = [];
      for (const [rel, file] of listFiles(abs)) {
        const blob = await putFile(root, file);
        files.push({ path: rel, hash: blob.hash, size: blob.size });
      }
      const manifest = files.map((f) => `${f.hash}  ${f.size}  ${f.path}\n`).sort().join('');
      const kind = files.some((f) => f.path === 'MLmodel') ? 'model' : 'folder';
      writer.event({
        t,
        type: 'artifact',
        name: d.name,
        kind,
        hash: createHash('sha256').update(manifest).digest('hex'),
        size: files.reduce((n, f) => n + f.size, 0),
        files,
        source: d.name,
      });
    }
  }
}
