// TensorBoard event files → runs. As in TensorBoard, each folder holding event files is a run;
// a folder whose events carry an hparams session (one trial) also takes in the folders below
// it (e.g. train/ and validation/ written by Keras), their tags prefixed with the subfolder.
// Scalars (simple_value, or single-number tensors of the scalars plugin) become metrics, the
// session's hyperparameters become params. Images, histograms, text and the like are skipped.
// Every record is kept, also several at one step. Importing again reads each event file from
// where the last import stopped (see importState.ts) and appends what is new to the run; a
// file cut in the middle of a record is reported unless it changed in the last seconds (then
// it is still being written, and the next import reads on from there).
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { ParamValue, RunStatus } from '../events';
import { ImportedRunWriter, type RunLines, importSlot } from './importedRun';
import { type FileMark, type SyncState, dropState, markOf, saveState, unchanged } from './importState';
import { type ImportOptions, type ImportReport, emptyImportReport, isRecent } from './importTypes';
import { ProtoError } from './protobuf';
import { RunAppender, recoverPending } from './runAppend';
import { StateIndex } from './stateIndex';
import { type SessionInfo, decodeEvent, decodeHparams } from './tensorboardEvents';
import { type ReadEnd, type RecordProblem, tfRecords } from './tfrecord';

export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

/** Event files under a folder (or the file itself), grouped by folder, each folder's sorted. */
export function findEventFiles(path: string, skip: (dir: string) => boolean = () => false): Map<string, string[]> {
  const byDir = new Map<string, string[]>();
  const add = (file: string): void => {
    const d = dirname(file);
    byDir.set(d, [...(byDir.get(d) ?? []), file]);
  };
  const walk = (dir: string, depth: number): void => {
    if (depth > 24 || skip(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p, depth + 1);
      else if (d.isFile() && isEventFile(d.name)) add(p);
    }
  };
  if (statSync(path).isDirectory()) walk(path, 0);
  else add(path);
  for (const files of byDir.values()) files.sort();
  return byDir;
}

/** One folder's scalars in file order, in growable typed arrays. */
class Series {
  n = 0;
  tag = new Uint32Array(1024);
  step = new Float64Array(1024);
  value = new Float64Array(1024);
  t = new Float64Array(1024);

  push(tag: number, step: number, value: number, t: number): void {
    if (this.n === this.step.length) {
      const grow = <A extends Uint32Array | Float64Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(a.length * 2);
        b.set(a);
        return b;
      };
      this.tag = grow(this.tag);
      this.step = grow(this.step);
      this.value = grow(this.value);
      this.t = grow(this.t);
    }
    const i = this.n++;
    this.tag[i] = tag;
    this.step[i] = step;
    this.value[i] = value;
    this.t[i] = t;
  }
}

interface FolderData {
  dir: string;
  firstFile: string;
  tags: string[];
  series: Series;
  session?: SessionInfo;
  t0: number;
  t1: number;
  /** Plugin of each tag seen (TensorBoard writes a tag's metadata with its first value only). */
  plugins: Record<string, string | null>;
  /** How far each file is read now. */
  marks: Record<string, FileMark>;
  /** A file of this folder changed in the last seconds. */
  live: boolean;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads a folder's event files from where `before` says the last import stopped. */
async function readFolder(
  dir: string,
  files: string[],
  before: Record<string, FileMark>,
  plugins: Record<string, string | null>,
  report: ImportReport,
  opts: ImportOptions,
): Promise<FolderData> {
  const data: FolderData = { dir, firstFile: basename(files[0]), tags: [], series: new Series(), t0: Infinity, t1: -Infinity, plugins: { ...plugins }, marks: {}, live: false };
  const tagInfo = new Map<string, { id: number; plugin: string | undefined }>();
  for (const [tag, plugin] of Object.entries(plugins)) tagInfo.set(tag, { id: -1, plugin: plugin ?? undefined });
  let t = 0;
  let step = 0;
  const sink = {
    event(wallTime: number, s: number): void {
      t = Math.round(wallTime * 1000);
      step = s;
      if (wallTime > 0) {
        if (t < data.t0) data.t0 = t;
        if (t > data.t1) data.t1 = t;
      }
    },
    value(tag: string, plugin: string | undefined, content: Uint8Array | undefined, scalar: number | undefined): void {
      let info = tagInfo.get(tag);
      if (info === undefined) {
        info = { id: -1, plugin };
        tagInfo.set(tag, info);
        data.plugins[tag] = plugin ?? null;
      } else if (info.plugin === undefined && plugin !== undefined) {
        info.plugin = plugin;
        data.plugins[tag] = plugin;
      }
      const p = info.plugin;
      if (p === 'hparams') {
        const session = content ? decodeHparams(content) : {};
        // The experiment summary (written above the trials) is no session: only start and end info are.
        if (session.hparams || session.startTime !== undefined || session.endStatus !== undefined) {
          data.session = { ...data.session, ...session, hparams: { ...data.session?.hparams, ...session.hparams } };
        }
        return;
      }
      if (scalar === undefined || (p !== undefined && p !== 'scalars')) return;
      if (info.id < 0) {
        info.id = data.tags.length;
        data.tags.push(tag);
      }
      data.series.push(info.id, step, scalar, t);
    },
  };
  for (const file of files) {
    const now = markOf(file);
    if (!now) continue;
    const old = before[file];
    if (isRecent(now.mtime, opts)) data.live = true;
    if (unchanged(old, now)) {
      data.marks[file] = old;
      continue;
    }
    const from = old?.offset ?? 0;
    if (now.size < from) {
      report.errors.push({ path: file, message: `shorter than when it was imported (${now.size} < ${from} bytes): it was rewritten, not appended to; left as imported` });
      data.marks[file] = { ...now, offset: now.size };
      continue;
    }
    const problems: RecordProblem[] = [];
    const end: ReadEnd = { end: from, size: now.size, torn: 0 };
    let records = 0;
    try {
      for (const rec of tfRecords(file, problems, from, end)) {
        try {
          decodeEvent(rec, sink);
        } catch (e) {
          if (!(e instanceof ProtoError)) throw e;
          problems.push({ offset: -1, message: `undecodable event: ${e.message}` });
        }
        if (++records % 20_000 === 0) {
          opts.onProgress?.({ path: file, runs: report.imported.length, points: report.points + data.series.n });
          await tick();
          opts.signal?.throwIfAborted();
        }
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      report.errors.push({ path: file, message: (e as Error).message });
    }
    data.marks[file] = { size: end.size, mtime: now.mtime, offset: end.end };
    for (const p of problems.slice(0, 5)) report.errors.push({ path: file, message: p.offset >= 0 ? `at byte ${p.offset}: ${p.message}` : p.message });
    if (problems.length > 5) report.errors.push({ path: file, message: `… and ${problems.length - 5} more bad records` });
    // A cut tail is the rest of a record still being written, unless the file has stopped changing.
    if (end.torn > 0 && !isRecent(now.mtime, opts)) {
      report.warnings.push({ path: file, message: `ends in an incomplete record: the last ${end.torn} bytes (from byte ${end.end}) are cut off and were not imported` });
    }
  }
  return data;
}

/** What a TensorBoard run's import state keeps besides the file marks. */
interface TbDetail {
  /** The run's folders, its own first. */
  dirs: string[];
  session: boolean;
  status: RunStatus | null;
  t1: number;
  plugins: Record<string, Record<string, string | null>>;
  name: string;
}

function runStatus(main: FolderData, parts: FolderData[]): RunStatus | null {
  if (main.session?.endStatus === 2) return 'failed';
  if (parts.some((f) => f.live) && main.session?.endStatus === undefined) return null; // still being written
  return 'finished';
}

/** Imports every TensorBoard run under `path` into the `.trackside` folder `root`. */
export async function importTensorboard(
  root: string,
  path: string,
  opts: ImportOptions = {},
  report: ImportReport = emptyImportReport(),
  skip?: (dir: string) => boolean,
): Promise<ImportReport> {
  const byDir = findEventFiles(path, skip);
  const base = statSync(path).isDirectory() ? path : dirname(path);
  const states = new StateIndex(root);
  // Folders an earlier import made a run of, by folder.
  const owned = new Map<string, SyncState>();
  for (const s of states.all()) {
    if (s.format !== 'tensorboard') continue;
    for (const d of (s.detail as unknown as TbDetail).dirs ?? []) owned.set(d, s);
  }
  const fresh = [...byDir].filter(([dir]) => !owned.has(dir)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const folders: FolderData[] = [];
  for (const [dir, files] of fresh) folders.push(await readFolder(dir, files, {}, {}, report, opts));
  // A new folder below a session run imported before joins that run.
  const joining = new Map<SyncState, FolderData[]>();
  const loose: FolderData[] = [];
  for (const f of folders) {
    const owner = states.all().find((s) => s.format === 'tensorboard' && (s.detail as unknown as TbDetail).session && f.dir.startsWith(s.source + sep));
    if (owner && !f.session) joining.set(owner, [...(joining.get(owner) ?? []), f]);
    else loose.push(f);
  }
  const experiment = opts.experiment ?? basename(base);
  await newRuns(root, loose, base, experiment, report, opts);
  const updates = new Set<SyncState>([...joining.keys()]);
  for (const dir of byDir.keys()) {
    const s = owned.get(dir);
    if (s) updates.add(s);
  }
  for (const state of [...updates].sort((a, b) => (a.source < b.source ? -1 : 1))) {
    opts.signal?.throwIfAborted();
    await updateRun(root, state, byDir, joining.get(state) ?? [], report, opts);
  }
  return report;
}

async function newRuns(root: string, folders: FolderData[], base: string, experiment: string, report: ImportReport, opts: ImportOptions): Promise<void> {
  // A folder below an hparams session belongs to that session's run.
  const sessions = folders.filter((f) => f.session).sort((a, b) => b.dir.length - a.dir.length);
  const groups = new Map<FolderData, FolderData[]>();
  for (const f of folders) {
    const owner = f.session ? f : sessions.find((s) => f.dir.startsWith(s.dir + sep));
    if (owner) groups.set(owner, [...(groups.get(owner) ?? []), ...(owner === f ? [] : [f])]);
    else groups.set(f, []);
  }
  for (const [main, below] of groups) {
    opts.signal?.throwIfAborted();
    const parts = [main, ...below];
    const points = parts.reduce((n, f) => n + f.series.n, 0);
    if (points === 0 && !main.session) {
      report.skipped.push({ path: main.dir, reason: 'no scalars' });
      continue;
    }
    const t0 = Math.min(...parts.map((f) => f.t0), (main.session?.startTime ?? Infinity) * 1000);
    const start = Number.isFinite(t0) ? t0 : 0;
    const origin = `tensorboard:${main.firstFile}`;
    const slot = importSlot(root, start, origin);
    if (slot.present) {
      // Imported before import states were kept: left as it is.
      report.alreadyPresent.push({ id: slot.id, origin });
      continue;
    }
    const rel = relative(base, main.dir).split(sep).join('/');
    const name = rel || basename(base);
    const writer = new ImportedRunWriter(root, slot.id, {
      t: start,
      name,
      experiment,
      params: (main.session?.hparams ?? {}) as Record<string, ParamValue>,
      import: { format: 'tensorboard', origin, path: main.dir },
    });
    try {
      await writeScalars(writer, main, below, opts);
      const t1 = Math.max(start, ...parts.map((f) => f.t1), (main.session?.endTime ?? -Infinity) * 1000);
      const status = runStatus(main, parts);
      if (status) writer.status(t1, status);
      const detail: TbDetail = { dirs: parts.map((f) => f.dir), session: !!main.session, status, t1, plugins: Object.fromEntries(parts.map((f) => [f.dir, f.plugins])), name };
      const state: SyncState = { version: 1, origin, format: 'tensorboard', id: slot.id, source: main.dir, files: Object.assign({}, ...parts.map((f) => f.marks)), eventsSize: 0, detail: { ...detail } };
      const placed = writer.finish(() => {
        state.eventsSize = writer.eventsSize;
        saveState(root, state);
      });
      if (placed) {
        report.imported.push({ id: slot.id, name, format: 'tensorboard', origin, points: writer.points });
        report.points += writer.points;
      } else {
        dropState(root, origin);
        report.alreadyPresent.push({ id: slot.id, origin });
      }
      opts.onProgress?.({ path: main.dir, runs: report.imported.length, points: report.points });
    } catch (e) {
      writer.abort();
      throw e;
    }
  }
}

/** Appends to a run imported before what its folders gained since. */
async function updateRun(root: string, state: SyncState, byDir: Map<string, string[]>, joining: FolderData[], report: ImportReport, opts: ImportOptions): Promise<void> {
  const detail = state.detail as unknown as TbDetail;
  const changed = (dir: string): boolean => (byDir.get(dir) ?? []).some((f) => !unchanged(state.files[f], markOf(f)));
  const live = detail.status === null;
  if (!joining.length && !live && !detail.dirs.some(changed)) {
    report.alreadyPresent.push({ id: state.id, origin: state.origin });
    return;
  }
  recoverPending(root, state);
  const parts: FolderData[] = [];
  for (const dir of detail.dirs) {
    const files = byDir.get(dir);
    if (files?.length) parts.push(await readFolder(dir, files, state.files, detail.plugins?.[dir] ?? {}, report, opts));
  }
  parts.push(...joining);
  const main = parts.find((f) => f.dir === state.source);
  if (!main) {
    report.alreadyPresent.push({ id: state.id, origin: state.origin });
    return;
  }
  const app = new RunAppender(root, state);
  try {
    await writeScalars(app, main, parts.filter((f) => f !== main), opts);
    const t1 = Math.max(detail.t1, ...parts.map((f) => f.t1), (main.session?.endTime ?? -Infinity) * 1000);
    const status = runStatus(main, parts);
    if (status && (status !== detail.status || app.points > 0)) app.status(t1, status);
    app.finish();
    state.files = Object.assign({}, state.files, ...parts.map((f) => f.marks));
    state.detail = {
      ...detail,
      dirs: [...new Set([...detail.dirs, ...joining.map((f) => f.dir)])],
      status,
      t1,
      plugins: { ...detail.plugins, ...Object.fromEntries(parts.map((f) => [f.dir, f.plugins])) },
    } satisfies TbDetail;
    saveState(root, state);
    if (app.lines > 0) {
      report.updated.push({ id: state.id, name: detail.name, format: 'tensorboard', origin: state.origin, points: app.points });
      report.points += app.points;
    } else report.alreadyPresent.push({ id: state.id, origin: state.origin });
  } catch (e) {
    app.abort();
    throw e;
  }
}

/** Points in time order; consecutive points at the same step and millisecond share a line. */
async function writeScalars(writer: RunLines, main: FolderData, below: FolderData[], opts: ImportOptions): Promise<void> {
  const parts = [main, ...below].filter((f) => f.series.n > 0);
  const quotedOf = parts.map((f) => {
    const prefix = f === main ? '' : `${relative(main.dir, f.dir).split(sep).join('/')}/`;
    return f.tags.map((tag) => JSON.stringify(prefix + tag));
  });
  const pos = parts.map(() => 0);
  const keys: string[] = [];
  const values: number[] = [];
  let n = 0;
  let lineStep = Number.NaN;
  let lineT = Number.NaN;
  let written = 0;
  const inLine = (key: string): boolean => {
    for (let j = 0; j < n; j++) if (keys[j] === key) return true;
    return false;
  };
  for (;;) {
    // The part whose next point is earliest (file order within a part).
    let k = -1;
    for (let i = 0; i < parts.length; i++) {
      if (pos[i] < parts[i].series.n && (k < 0 || parts[i].series.t[pos[i]] < parts[k].series.t[pos[k]])) k = i;
    }
    if (k < 0) break;
    const s = parts[k].series;
    const i = pos[k]++;
    const key = quotedOf[k][s.tag[i]];
    if (s.step[i] !== lineStep || s.t[i] !== lineT || inLine(key)) {
      if (n) writer.metrics(lineT, lineStep, keys, values, n);
      n = 0;
      lineStep = s.step[i];
      lineT = s.t[i];
    }
    keys[n] = key;
    values[n] = s.value[i];
    n++;
    if (++written % 100_000 === 0) {
      await tick();
      opts.signal?.throwIfAborted();
    }
  }
  if (n) writer.metrics(lineT, lineStep, keys, values, n);
}
