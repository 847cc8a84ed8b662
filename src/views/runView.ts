// A run as the Run and Compare panels show it, from the index. Pure: no editor API; where a
// blob is shown the caller says where the blob store is (its webview URI).
import { imageDataUrl } from '../core/imageData';
import { type ImageInfo, type RunDetail, getRun } from '../core/runQueries';
import type { Store } from '../core/store';
import type { ParamValueView, RunView } from '../protocol/runView';
import { toWire } from '../protocol/wireNumber';

/** A blob's address under `blobBase`, the address of the `.trackside/blobs` folder. */
export function blobSrc(blobBase: string, hash: string): string {
  const h = hash.toLowerCase();
  return `${blobBase}/sha256/${h.slice(0, 2)}/${h.slice(2)}`;
}

const SQL_SAME_DATA = `SELECT r.id, coalesce(r.name, r.id) AS name FROM datasets d JOIN runs r ON r.rid = d.rid
  WHERE d.hash = ? AND r.id <> ? AND r.deleted = 0 GROUP BY r.rid ORDER BY coalesce(r.started, r.created) DESC LIMIT 5`;

export function runView(store: Store, id: string, blobBase: string): RunView | undefined {
  const d = getRun(store, id);
  return d && toRunView(d, localSources(store, d.id, blobBase));
}

/** Where a run view's images and its data sets' other runs come from (the local index, or the team's). */
export interface RunViewSources {
  imageSrc(image: ImageInfo): string;
  /** Other runs that used the data set with this hash. */
  sameData(hash: string): { id: string; name: string }[];
}

export function localSources(store: Store, id: string, blobBase: string): RunViewSources {
  const same = store.stmt(SQL_SAME_DATA);
  return {
    // An SVG is sent inline: served from its extensionless blob path it has no type and stays blank.
    imageSrc: (i) => (i.format === 'svg' ? imageDataUrl(store.root, i.hash, i.format) : undefined) ?? blobSrc(blobBase, i.hash),
    sameData: (hash) => same.all(hash, id) as { id: string; name: string }[],
  };
}

export function toRunView(d: RunDetail, from: RunViewSources): RunView {
  return {
    id: d.id,
    name: d.name ?? d.id,
    experiment: d.experiment,
    status: d.status,
    exitCode: d.exitCode,
    error: d.error,
    started: d.started,
    ended: d.ended,
    duration: d.duration,
    note: d.note,
    tags: d.tags,
    command: commandText(d.command),
    cwd: d.cwd,
    script: d.script,
    git: d.git ? { commit: d.git.commit, branch: d.git.branch, dirty: d.git.dirty } : null,
    python: d.python,
    host: d.host,
    params: d.params as Record<string, ParamValueView>,
    metrics: d.metrics.map((m) => ({ key: m.key, count: m.count, nans: m.nans, min: toWire(m.min), max: toWire(m.max), last: toWire(m.last), firstStep: m.firstStep, lastStep: m.lastStep, t: m.t })),
    artifacts: d.artifacts.map((a) => ({ name: a.name, kind: a.kind, hash: a.hash, size: a.size, source: a.source, t: a.t, files: a.files })),
    images: d.images.map((i) => ({ key: i.key, step: i.step, hash: i.hash, format: i.format, width: i.width, height: i.height, src: from.imageSrc(i) })),
    datasets: d.datasets.map((ds) => ({
      name: ds.name,
      path: ds.path,
      hash: ds.hash,
      size: ds.size,
      files: ds.files,
      sameAs: from.sameData(ds.hash),
    })),
    code: d.code.map((c) => ({ path: c.path, hash: c.hash, size: c.size })),
    badLines: d.log.badCount,
  };
}

/** argv as a shell would show it (arguments with spaces or quotes quoted). */
export function commandText(command: string[] | string | null): string | null {
  if (command === null) return null;
  if (typeof command === 'string') return command;
  return command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
