// MLflow's file store (an `mlruns/` folder):
//   mlruns/<experiment id>/meta.yaml                 experiment_id, name, lifecycle_stage, …
//   mlruns/<experiment id>/<run id>/meta.yaml        run_uuid, run_name, status (1 RUNNING …
//                                                    3 FINISHED, 4 FAILED, 5 KILLED), start_time,
//                                                    end_time, lifecycle_stage, artifact_uri
//   …/<run id>/params/<key>                          the value (keys with / are subfolders)
//   …/<run id>/metrics/<key>                         lines "timestamp value [step]"
//   …/<run id>/tags/<key>                            the value
//   …/<run id>/artifacts/                            files
// The path given may be the mlruns folder, one experiment folder or one run folder.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type MlflowPoint, type MlflowRun, localArtifactDir, writeMlflowRun } from './mlflowRun';
import { type YamlScalar, parseFlatYaml } from './mlflowYaml';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';

function meta(dir: string): Record<string, YamlScalar> | undefined {
  const file = join(dir, 'meta.yaml');
  if (!existsSync(file)) return undefined;
  return parseFlatYaml(readFileSync(file, 'utf8'));
}

const isRunMeta = (m: Record<string, YamlScalar> | undefined): boolean => !!m && (m.run_uuid != null || m.run_id != null);
const isExperimentMeta = (m: Record<string, YamlScalar> | undefined): boolean => !!m && m.experiment_id != null && m.name != null && !isRunMeta(m);

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => join(dir, d.name))
    .sort();
}

/** Whether a folder is an mlruns folder, an MLflow experiment folder or an MLflow run folder. */
export function isMlflowFolder(path: string): boolean {
  const m = meta(path);
  if (isRunMeta(m) || isExperimentMeta(m)) return true;
  return subdirs(path).some((d) => isExperimentMeta(meta(d)));
}

/** {relative key: file} of every file under a folder (keys with / are nested folders). */
function keyFiles(dir: string, prefix = ''): [string, string][] {
  if (!existsSync(dir)) return [];
  const out: [string, string][] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const key = prefix + d.name;
    if (d.isDirectory()) out.push(...keyFiles(join(dir, d.name), `${key}/`));
    else if (d.isFile()) out.push([key, join(dir, d.name)]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Python's float(): also nan, inf, -inf, Infinity in any case. */
export function pythonFloat(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const n = Number(t);
  if (t === '' || Number.isNaN(n)) throw new Error(`not a number: ${JSON.stringify(s.slice(0, 40))}`);
  return n;
}

function readRun(dir: string, experiment: string | null, report: ImportReport): MlflowRun | undefined {
  const m = meta(dir) ?? {};
  const uuid = String(m.run_uuid ?? m.run_id ?? basename(dir));
  const metrics: MlflowPoint[] = [];
  for (const [key, file] of keyFiles(join(dir, 'metrics'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      const parts = line.split(' ');
      try {
        if (parts.length < 2 || parts.length > 3) throw new Error(`expected "timestamp value [step]", found ${parts.length} fields`);
        const timestamp = Number(parts[0]);
        const step = parts.length === 3 ? Number(parts[2]) : 0;
        if (!Number.isInteger(timestamp) || !Number.isFinite(step)) throw new Error('bad timestamp or step');
        metrics.push({ key, value: pythonFloat(parts[1]), timestamp, step });
      } catch (e) {
        report.errors.push({ path: `${file}:${i + 1}`, message: (e as Error).message });
      }
    }
  }
  // Log order across keys: by time, then step (the sort is stable within a key).
  metrics.sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
  const num = (v: YamlScalar): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : null);
  return {
    uuid,
    experiment,
    name: m.run_name == null || m.run_name === '' ? null : String(m.run_name),
    status: typeof m.status === 'number' || typeof m.status === 'string' ? m.status : null,
    start: num(m.start_time),
    end: num(m.end_time),
    params: keyFiles(join(dir, 'params')).map(([k, f]) => [k, readFileSync(f, 'utf8')]),
    tags: keyFiles(join(dir, 'tags')).map(([k, f]) => [k, readFileSync(f, 'utf8')]),
    metrics,
    artifacts: localArtifactDir(typeof m.artifact_uri === 'string' ? m.artifact_uri : null, dir) ?? localArtifactDir(join(dir, 'artifacts'), dir),
    path: dir,
  };
}

export async function importMlflowFolder(
  root: string,
  path: string,
  opts: ImportOptions = {},
  report: ImportReport = emptyImportReport(),
): Promise<ImportReport> {
  const top = meta(path);
  // (experiment folder, its run folders)
  const plan: [string, string[]][] = isRunMeta(top)
    ? [[dirname(path), [path]]]
    : (isExperimentMeta(top) ? [path] : subdirs(path).filter((d) => isExperimentMeta(meta(d)))).map((e) => [e, subdirs(e)]);
  for (const [expDir, runDirs] of plan) {
    const em = meta(expDir);
    const experiment = em?.name == null ? null : String(em.name);
    if (em?.lifecycle_stage === 'deleted') {
      report.skipped.push({ path: expDir, reason: 'experiment deleted in MLflow' });
      continue;
    }
    for (const dir of runDirs) {
      opts.signal?.throwIfAborted();
      const m = meta(dir);
      if (!isRunMeta(m)) continue;
      if (m?.lifecycle_stage === 'deleted') {
        report.skipped.push({ path: dir, reason: 'run deleted in MLflow' });
        continue;
      }
      try {
        const run = readRun(dir, experiment, report);
        if (run) await writeMlflowRun(root, run, report, opts);
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        report.errors.push({ path: dir, message: (e as Error).message });
      }
      opts.onProgress?.({ path: dir, runs: report.imported.length, points: report.points });
    }
  }
  return report;
}
