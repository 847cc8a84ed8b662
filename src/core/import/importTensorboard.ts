// TensorBoard event files → runs. As in TensorBoard, each folder holding event files is a run;
// a folder whose events carry an hparams session (one trial) also takes in the folders below
// it (e.g. train/ and validation/ written by Keras), their tags prefixed with the subfolder.
// Scalars (simple_value, or single-number tensors of the scalars plugin) become metrics, the
// session's hyperparameters become params. Images, histograms, text and the like are skipped.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { ParamValue } from '../events';
import { ImportedRunWriter, importSlot } from './importedRun';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import { ProtoError } from './protobuf';
import { type SessionInfo, decodeEvent, decodeHparams } from './tensorboardEvents';
import { type RecordProblem, tfRecords } from './tfrecord';

export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

/** Event files under a folder (or the file itself), grouped by folder, each folder's sorted. */
export function findEventFiles(path: string): Map<string, string[]> {
  const byDir = new Map<string, string[]>();
  const add = (file: string): void => {
    const d = dirname(file);
    byDir.set(d, [...(byDir.get(d) ?? []), file]);
  };
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.isFile() && isEventFile(d.name)) add(p);
    }
  };
  if (statSync(path).isDirectory()) walk(path);
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
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function readFolder(dir: string, files: string[], report: ImportReport, opts: ImportOptions): Promise<FolderData> {
  const data: FolderData = { dir, firstFile: basename(files[0]), tags: [], series: new Series(), t0: Infinity, t1: -Infinity };
  // Each tag's series id and plugin: TensorBoard writes a tag's metadata with its first value only.
  const tagInfo = new Map<string, { id: number; plugin: string | undefined }>();
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
      } else if (info.plugin === undefined && plugin !== undefined) info.plugin = plugin;
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
    const problems: RecordProblem[] = [];
    let records = 0;
    try {
      for (const rec of tfRecords(file, problems)) {
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
    for (const p of problems.slice(0, 5)) report.errors.push({ path: file, message: p.offset >= 0 ? `at byte ${p.offset}: ${p.message}` : p.message });
    if (problems.length > 5) report.errors.push({ path: file, message: `… and ${problems.length - 5} more bad records` });
  }
  return data;
}

/** Imports every TensorBoard run under `path` into the `.trackside` folder `root`. */
export async function importTensorboard(
  root: string,
  path: string,
  opts: ImportOptions = {},
  report: ImportReport = emptyImportReport(),
): Promise<ImportReport> {
  const byDir = findEventFiles(path);
  const base = statSync(path).isDirectory() ? path : dirname(path);
  const folders: FolderData[] = [];
  for (const [dir, files] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : 1))) folders.push(await readFolder(dir, files, report, opts));
  // A folder below an hparams session belongs to that session's run.
  const sessions = folders.filter((f) => f.session).sort((a, b) => b.dir.length - a.dir.length);
  const groups = new Map<FolderData, FolderData[]>();
  for (const f of folders) {
    const owner = f.session ? f : sessions.find((s) => f.dir.startsWith(s.dir + sep));
    if (owner) groups.set(owner, [...(groups.get(owner) ?? []), ...(owner === f ? [] : [f])]);
    else groups.set(f, []);
  }
  const experiment = opts.experiment ?? basename(base);
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
      writer.status(t1, main.session?.endStatus === 2 ? 'failed' : 'finished');
      if (writer.finish()) {
        report.imported.push({ id: slot.id, name, format: 'tensorboard', origin, points: writer.points });
        report.points += writer.points;
      } else report.alreadyPresent.push({ id: slot.id, origin });
      opts.onProgress?.({ path: main.dir, runs: report.imported.length, points: report.points });
    } catch (e) {
      writer.abort();
      throw e;
    }
  }
  return report;
}

/** Points in time order; consecutive points at the same step and millisecond share a line. */
async function writeScalars(writer: ImportedRunWriter, main: FolderData, below: FolderData[], opts: ImportOptions): Promise<void> {
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
