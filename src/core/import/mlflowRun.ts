// One MLflow run (from either store) written as a Trackside run, or brought up to date when
// it was imported before. Params are strings in MLflow: ones that read as numbers or
// booleans become numbers and booleans, so queries can compare them. Tags:
// mlflow.runName → name, mlflow.note.content → note, mlflow.source.git.* → git,
// mlflow.source.name → script, mlflow.parentRunId → parent (the parent's Trackside id); other
// mlflow.* tags are left out; the user's tags become "key=value" tags ("key" when the value is
// empty). Artifacts are stored as blobs.
import type { ParamValue, RunStatus } from '../events';
import { ImportedRunWriter, type RunLines, importSlot } from './importedRun';
import { type FileMark, type SyncState, dropState, saveState } from './importState';
import type { ImportOptions, ImportReport } from './importTypes';
import { writeArtifacts } from './mlflowArtifacts';
import { RunAppender, recoverPending } from './runAppend';

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
  /** MLflow's status: a name (SQL store) or its number (file store); null when unknown. */
  status: string | number | null;
  /** Why the status is not known, when it is not. */
  statusProblem?: string;
  start: number | null;
  end: number | null;
  params: [string, string][];
  tags: [string, string | null][];
  /** Points not imported before, in log order (by timestamp, then step). */
  metrics: MlflowPoint[];
  /** Local folder holding the run's artifacts, if there is one. */
  artifacts: string | null;
  /** Where it was read from, for reports (also the key of the import state's source). */
  path: string;
  /** How far each source file has now been read. */
  files: Record<string, FileMark>;
}

export interface MlflowContext {
  root: string;
  /** The folder being imported: artifacts are read only from inside it. */
  within: string;
  /** The Trackside id of a parent run, from its MLflow run id. */
  parentId: (uuid: string) => string | undefined;
  opts: ImportOptions;
  report: ImportReport;
}

const STATUS_NAMES = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

function status(s: string | number | null): RunStatus | null {
  const name = typeof s === 'number' ? STATUS_NAMES[s] : String(s ?? '').toUpperCase();
  if (name === 'FINISHED') return 'finished';
  if (name === 'FAILED') return 'failed';
  if (name === 'RUNNING' || name === 'SCHEDULED') return 'running';
  if (name === 'KILLED') return 'stopped';
  return null;
}

function paramValue(v: string): ParamValue {
  if (/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(v.trim())) return Number(v);
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  if (v === 'None') return null;
  return v;
}

interface Described {
  name: string | null;
  note: string | null;
  script: string | null;
  git: { commit?: string; branch?: string };
  userTags: string[];
  parentUuid: string | null;
}

function describe(run: MlflowRun): Described {
  const d: Described = { name: run.name, note: null, script: null, git: {}, userTags: [], parentUuid: null };
  for (const [k, v] of run.tags) {
    if (k === 'mlflow.runName') d.name ??= v;
    else if (k === 'mlflow.note.content') d.note = v;
    else if (k === 'mlflow.source.git.commit' && v) d.git.commit = v;
    else if (k === 'mlflow.source.git.branch' && v) d.git.branch = v;
    else if (k === 'mlflow.source.name') d.script = v;
    else if (k === 'mlflow.parentRunId' && v) d.parentUuid = v;
    else if (!k.startsWith('mlflow.')) d.userTags.push(v ? `${k}=${v}` : k);
  }
  return d;
}

/** The details kept in the import state, compared on the next import. */
interface Seen {
  status: RunStatus | null;
  end: number | null;
  name: string | null;
  note: string | null;
  params: Record<string, string>;
  tags: string[];
  artifacts: Record<string, string>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Consecutive points at the same time and step share a line. Returns the latest time. */
async function writePoints(sink: RunLines, points: MlflowPoint[], from: number, opts: ImportOptions): Promise<number> {
  let keys: string[] = [];
  let values: number[] = [];
  let t = Number.NaN;
  let step = Number.NaN;
  let last = from;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const quoted = JSON.stringify(p.key);
    if (p.timestamp !== t || p.step !== step || keys.includes(quoted)) {
      if (keys.length) sink.metrics(t, step, keys, values);
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
  if (keys.length) sink.metrics(t, step, keys, values);
  return last;
}

/** Imports the run, or appends to the run imported from it before what is new. */
export async function syncMlflowRun(run: MlflowRun, state: SyncState | undefined, ctx: MlflowContext): Promise<void> {
  const { root, report, opts } = ctx;
  const origin = `mlflow:${run.uuid}`;
  if (state) return updateRun(run, state, ctx);
  const start = run.start ?? run.metrics[0]?.timestamp ?? 0;
  const slot = importSlot(root, start, origin);
  if (slot.present) {
    // Imported before import states were kept: left as it is.
    report.alreadyPresent.push({ id: slot.id, origin });
    return;
  }
  const d = describe(run);
  const parent = d.parentUuid ? ctx.parentId(d.parentUuid) : undefined;
  if (d.parentUuid && !parent) report.warnings.push({ path: run.path, message: `parent run ${d.parentUuid} is not in what was imported: the run is not nested under it` });
  const writer = new ImportedRunWriter(root, slot.id, {
    t: start,
    name: d.name,
    experiment: run.experiment,
    params: Object.fromEntries(run.params.map(([k, v]) => [k, paramValue(v)])),
    tags: d.userTags,
    note: d.note,
    script: d.script,
    git: d.git,
    parent,
    import: { format: 'mlflow', origin, path: run.path },
  });
  try {
    const last = await writePoints(writer, run.metrics, start, opts);
    const artifacts = run.artifacts ? await writeArtifacts(root, writer, run.artifacts, last, ctx.within, {}, report) : {};
    const st = status(run.status);
    const end = Math.max(run.end ?? last, start);
    if (st && st !== 'running') writer.status(end, st);
    else if (!st) writer.status(end, 'stopped', run.statusProblem ?? `unknown MLflow status ${JSON.stringify(run.status)}`);
    const seen: Seen = { status: st, end: run.end, name: d.name, note: d.note, params: Object.fromEntries(run.params), tags: d.userTags, artifacts };
    const next: SyncState = { version: 1, origin, format: 'mlflow', id: slot.id, source: run.path, files: run.files, eventsSize: 0, detail: { ...seen } };
    const placed = writer.finish(() => {
      next.eventsSize = writer.eventsSize;
      saveState(root, next);
    });
    if (placed) {
      report.imported.push({ id: slot.id, name: d.name, format: 'mlflow', origin, points: writer.points });
      report.points += writer.points;
    } else {
      dropState(root, origin);
      report.alreadyPresent.push({ id: slot.id, origin });
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
}

async function updateRun(run: MlflowRun, state: SyncState, ctx: MlflowContext): Promise<void> {
  const { root, report, opts } = ctx;
  recoverPending(root, state);
  const seen = state.detail as unknown as Seen;
  const d = describe(run);
  const app = new RunAppender(root, state);
  try {
    const start = run.start ?? 0;
    const last = await writePoints(app, run.metrics, start, opts);
    const t = Math.max(last, run.end ?? 0, start);
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of run.params) if (seen.params?.[k] !== v) params[k] = paramValue(v);
    if (Object.keys(params).length) app.event({ t, type: 'params', values: params });
    const before = new Set(seen.tags ?? []);
    const add = d.userTags.filter((x) => !before.has(x));
    const remove = [...before].filter((x) => !d.userTags.includes(x));
    if (add.length || remove.length) app.event({ t, type: 'tags', ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) });
    if (d.name !== null && d.name !== seen.name) app.event({ t, type: 'rename', name: d.name });
    if (d.note !== seen.note) app.event({ t, type: 'note', text: d.note ?? '' });
    const artifacts = run.artifacts ? await writeArtifacts(root, app, run.artifacts, t, ctx.within, seen.artifacts ?? {}, report) : (seen.artifacts ?? {});
    const st = status(run.status);
    if (st !== seen.status || (st !== 'running' && run.end !== seen.end)) {
      if (st) app.status(Math.max(run.end ?? last, start), st);
      else app.status(Math.max(run.end ?? last, start), 'stopped', run.statusProblem ?? `unknown MLflow status ${JSON.stringify(run.status)}`);
    }
    app.finish();
    state.files = run.files;
    state.detail = { ...seen, status: st, end: run.end, name: d.name ?? seen.name, note: d.note, params: Object.fromEntries(run.params), tags: d.userTags, artifacts };
    saveState(root, state);
    if (app.lines > 0) {
      report.updated.push({ id: state.id, name: d.name ?? seen.name, format: 'mlflow', origin: state.origin, points: app.points });
      report.points += app.points;
    } else report.alreadyPresent.push({ id: state.id, origin: state.origin });
  } catch (e) {
    app.abort();
    throw e;
  }
}
