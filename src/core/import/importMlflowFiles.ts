// MLflow's file store (an `mlruns/` folder):
//   mlruns/<experiment id>/meta.yaml                 experiment_id, name, lifecycle_stage, …
//   mlruns/<experiment id>/<run id>/meta.yaml        run_uuid, run_name, status (1 RUNNING …
//                                                    3 FINISHED, 4 FAILED, 5 KILLED), start_time,
//                                                    end_time, lifecycle_stage, artifact_uri
//   …/<run id>/params/<key>                          the value (keys with / are subfolders)
//   …/<run id>/metrics/<key>                         lines "timestamp value [step]"
//   …/<run id>/tags/<key>                            the value
//   …/<run id>/artifacts/                            files
//   mlruns/<experiment id>/models/<model id>/        MLflow 3 logged models (mlflowModels.ts)
//   mlruns/models/<name>/                            the model registry (mlflowModels.ts)
// The path given may be the mlruns folder, one experiment folder or one run folder. A run or
// experiment whose meta.yaml is missing is imported with what can be read, and said so.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type FileMark, type SyncState, markOf, unchanged } from './importState';
import { type ImportOptions, type ImportReport, emptyImportReport, isRecent } from './importTypes';
import { findArtifactDir } from './mlflowArtifacts';
import { importMlflowModels } from './mlflowModels';
import { type MlflowContext, type MlflowPoint, type MlflowRun, syncMlflowRun } from './mlflowRun';
import { type MetaYaml, MetaYamlError, metaInt, metaString, readMetaYaml } from './mlflowYaml';
import { importSlot } from './importedRun';
import { StateIndex } from './stateIndex';
import { subdirs } from '../listFiles';

/** Folders of an experiment that are not runs; folders of mlruns that are not experiments. */
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models', 'inputs', 'outputs']);
const NOT_EXPERIMENTS = new Set(['models', '.trash']);
const RUN_PARTS = ['metrics', 'params', 'tags', 'artifacts'];

function tryMeta(dir: string): MetaYaml | undefined {
  try {
    return readMetaYaml(dir);
  } catch {
    return undefined;
  }
}

const isRunMeta = (m: MetaYaml | undefined): boolean => !!m && (m.run_uuid != null || m.run_id != null);
const isExperimentMeta = (m: MetaYaml | undefined): boolean => !!m && m.experiment_id != null && m.name != null && !isRunMeta(m) && m.model_id == null;

/** A run folder, by its meta.yaml or, without one, by the folders MLflow makes in every run. */
function looksLikeRun(dir: string): boolean {
  const m = tryMeta(dir);
  if (m) return isRunMeta(m);
  const names = new Set(subdirs(dir).map((d) => basename(d)));
  return RUN_PARTS.filter((p) => names.has(p)).length >= 2;
}

function looksLikeExperiment(dir: string): boolean {
  const m = tryMeta(dir);
  if (m) return isExperimentMeta(m);
  return subdirs(dir).some((d) => !NOT_RUNS.has(basename(d)) && looksLikeRun(d));
}

export type MlflowFolderKind = 'mlruns' | 'experiment' | 'run';

/** Whether a folder is an mlruns folder, an MLflow experiment folder or an MLflow run folder. */
export function mlflowFolderKind(path: string): MlflowFolderKind | undefined {
  const m = tryMeta(path);
  if (isRunMeta(m)) return 'run';
  if (isExperimentMeta(m)) return 'experiment';
  if (m) return undefined;
  const subs = subdirs(path).filter((d) => !NOT_EXPERIMENTS.has(basename(d)));
  if (subs.some((d) => isExperimentMeta(tryMeta(d)))) return 'mlruns';
  if (subs.some((d) => !NOT_RUNS.has(basename(d)) && looksLikeRun(d))) return looksLikeRun(path) ? 'run' : 'experiment';
  if (looksLikeRun(path)) return 'run';
  if (subs.some((d) => looksLikeExperiment(d))) return 'mlruns';
  return undefined;
}

export function isMlflowFolder(path: string): boolean {
  return mlflowFolderKind(path) !== undefined;
}

/** {relative key: file} of every file under a folder (keys with / are nested folders). */
function keyFiles(dir: string, prefix = ''): [string, string][] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  for (const d of entries) {
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

/** Every file of a run folder with its size and mtime (what decides whether it changed). */
function runMarks(dir: string): Record<string, FileMark> {
  const out: Record<string, FileMark> = {};
  const meta = markOf(join(dir, 'meta.yaml'));
  if (meta) out[join(dir, 'meta.yaml')] = meta;
  for (const part of RUN_PARTS) {
    for (const [, file] of keyFiles(join(dir, part))) {
      const m = markOf(file);
      if (m) out[file] = m;
    }
  }
  return out;
}

function sameFiles(before: Record<string, FileMark>, now: Record<string, FileMark>): boolean {
  const keys = Object.keys(now);
  return keys.length === Object.keys(before).length && keys.every((k) => unchanged(before[k], now[k]));
}

/** Reads a metric file from where the last import stopped; complete lines only. */
function readMetricFile(key: string, file: string, mark: FileMark, before: FileMark | undefined, out: MlflowPoint[], report: ImportReport, opts: ImportOptions): number {
  const from = before?.offset ?? 0;
  if (mark.size < from) {
    report.errors.push({ path: file, message: `shorter than when it was imported (${mark.size} < ${from} bytes): it was rewritten, not appended to; left as imported` });
    return mark.size;
  }
  if (mark.size === from) return from;
  const buf = Buffer.alloc(mark.size - from);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  const text = buf.toString('utf8');
  let end = text.lastIndexOf('\n') + 1;
  const lines = end ? text.slice(0, end - 1).split('\n') : [];
  // A last line without its newline is still being written, unless the file is old (then it is whole).
  const tail = text.slice(end);
  if (tail.trim() && !isRecent(mark.mtime, opts)) {
    lines.push(tail);
    end = text.length;
  }
  let lineNo = before?.rows ?? 0;
  for (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(' ');
    try {
      if (parts.length < 2 || parts.length > 3) throw new Error(`expected "timestamp value [step]", found ${parts.length} fields`);
      const timestamp = Number(parts[0]);
      const step = parts.length === 3 ? Number(parts[2]) : 0;
      if (!Number.isInteger(timestamp) || !Number.isFinite(step)) throw new Error('bad timestamp or step');
      out.push({ key, value: pythonFloat(parts[1]), timestamp, step });
    } catch (e) {
      report.errors.push({ path: `${file}:${lineNo}`, message: (e as Error).message });
    }
  }
  mark.rows = lineNo;
  return from + Buffer.byteLength(text.slice(0, end), 'utf8');
}

/** A folder's meta.yaml, or what is wrong with it. */
function readMeta(dir: string): { meta?: MetaYaml; problem?: string } {
  try {
    const meta = readMetaYaml(dir);
    return meta ? { meta } : { problem: 'meta.yaml is missing' };
  } catch (e) {
    if (!(e instanceof MetaYamlError)) throw e;
    return { problem: e.message };
  }
}

function readRun(dir: string, experiment: string | null, within: string, state: SyncState | undefined, marks: Record<string, FileMark>, report: ImportReport, opts: ImportOptions): MlflowRun {
  const { meta: m, problem } = readMeta(dir);
  if (problem) report.warnings.push({ path: join(dir, 'meta.yaml'), message: `${problem}: run imported without its name, status and times from it` });
  const uuid = metaString(m, 'run_uuid') ?? metaString(m, 'run_id') ?? basename(dir);
  const metrics: MlflowPoint[] = [];
  for (const [key, file] of keyFiles(join(dir, 'metrics'))) {
    const mark = marks[file];
    if (!mark) continue;
    mark.offset = readMetricFile(key, file, mark, state?.files[file], metrics, report, opts);
  }
  // Log order across keys: by time, then step (the sort is stable within a key).
  metrics.sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
  const status = m ? (metaInt(m, 'status') ?? metaString(m, 'status') ?? 1) : null;
  const times = metrics.map((p) => p.timestamp);
  return {
    uuid,
    experiment,
    name: metaString(m, 'run_name'),
    status,
    statusProblem: problem && `status unknown: ${problem}`,
    start: metaInt(m, 'start_time') ?? (m || !times.length ? null : Math.min(...times)),
    end: metaInt(m, 'end_time') ?? (m || !times.length ? null : Math.max(...times)),
    params: keyFiles(join(dir, 'params')).map(([k, f]) => [k, readFileSync(f, 'utf8')]),
    tags: keyFiles(join(dir, 'tags')).map(([k, f]) => [k, readFileSync(f, 'utf8')]),
    metrics,
    artifacts: findArtifactDir(
      { uri: metaString(m, 'artifact_uri'), runUuid: uuid, base: dir, nextTo: [join(dir, 'artifacts')], within, where: dir },
      report,
    ),
    path: dir,
    files: marks,
  };
}

interface PlannedRun {
  expDir: string;
  experiment: string | null;
  dir: string;
}

function plan(path: string, kind: MlflowFolderKind, report: ImportReport): PlannedRun[] {
  const experiments = kind === 'run' ? [dirname(path)] : kind === 'experiment' ? [path] : subdirs(path).filter((d) => !NOT_EXPERIMENTS.has(basename(d)) && looksLikeExperiment(d));
  const out: PlannedRun[] = [];
  for (const expDir of experiments) {
    const { meta, problem } = readMeta(expDir);
    // A run folder given on its own may sit in any folder: only a real experiment names it.
    if (problem && kind !== 'run') report.warnings.push({ path: join(expDir, 'meta.yaml'), message: `${problem}: experiment imported under its folder name "${basename(expDir)}"` });
    const em = meta && isExperimentMeta(meta) ? meta : undefined;
    if (em?.lifecycle_stage === 'deleted') {
      report.skipped.push({ path: expDir, reason: 'experiment deleted in MLflow' });
      continue;
    }
    const experiment = metaString(em, 'name') ?? (kind === 'run' ? null : basename(expDir));
    const runs = kind === 'run' ? [path] : subdirs(expDir).filter((d) => !NOT_RUNS.has(basename(d)) && looksLikeRun(d));
    for (const dir of runs) out.push({ expDir, experiment, dir });
  }
  return out;
}

export async function importMlflowFolder(
  root: string,
  path: string,
  opts: ImportOptions = {},
  report: ImportReport = emptyImportReport(),
  within = path,
): Promise<ImportReport> {
  const kind = mlflowFolderKind(path);
  if (!kind) throw new Error('not an MLflow store (no mlruns folder, experiment or run found)');
  const states = new StateIndex(root);
  const runs = plan(path, kind, report);
  const byUuid = new Map(runs.map((r) => [basename(r.dir), r]));
  const ctx: MlflowContext = {
    root,
    within,
    report,
    opts,
    parentId: (uuid) => {
      const known = states.byOrigin(`mlflow:${uuid}`);
      if (known) return known.id;
      const dir = byUuid.get(uuid)?.dir ?? join(dirname(runs[0]?.dir ?? path), uuid);
      const m = tryMeta(dir);
      if (!isRunMeta(m)) return undefined;
      return importSlot(root, metaInt(m, 'start_time') ?? 0, `mlflow:${uuid}`).id;
    },
  };
  for (const { experiment, dir } of runs) {
    opts.signal?.throwIfAborted();
    try {
      const m = tryMeta(dir);
      if (m?.lifecycle_stage === 'deleted') {
        report.skipped.push({ path: dir, reason: 'run deleted in MLflow' });
        continue;
      }
      const state = states.bySource(dir);
      const marks = runMarks(dir);
      if (state && sameFiles(state.files, marks)) {
        report.alreadyPresent.push({ id: state.id, origin: state.origin });
        continue;
      }
      const run = readRun(dir, experiment, within, state, marks, report, opts);
      const owner = states.byOrigin(`mlflow:${run.uuid}`);
      if (owner && owner.source !== dir) {
        // Imported from the other store (or another copy): that one stays the source.
        report.alreadyPresent.push({ id: owner.id, origin: owner.origin });
        continue;
      }
      await syncMlflowRun(run, owner, ctx);
      states.refresh(`mlflow:${run.uuid}`);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      report.errors.push({ path: dir, message: (e as Error).message });
    }
    opts.onProgress?.({ path: dir, runs: report.imported.length, points: report.points });
  }
  const experimentDirs = kind === 'run' ? [] : [...new Set([...runs.map((r) => r.expDir), ...(kind === 'experiment' ? [path] : [])])];
  await importMlflowModels(ctx, { registry: kind === 'mlruns' ? join(path, 'models') : undefined, experiments: experimentDirs });
  return report;
}
