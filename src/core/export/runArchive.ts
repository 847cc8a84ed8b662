// A portable archive of whole runs: each run folder and every blob its events name, in one tar
// (gzip-compressed when the file name ends in .gz or .tgz). Import on another machine brings
// the runs back with the same ids, events and blobs.
//
//   trackside-archive.json          {"format": "trackside-archive", "version": 1, "runs": [...]}
//   runs/<id>/meta.json, events.jsonl, files/…
//   blobs/sha256/<2 hex>/<62 hex>
import { lstatSync, readFileSync, rmSync, statSync } from 'node:fs';
import { blobPath, isBlobHash } from '../blobs';
import { runDir } from '../paths';
import { TarWriter } from './tarWriter';
import { listFiles } from '../listFiles';

export const ARCHIVE_FORMAT = 'trackside-archive';
export const ARCHIVE_VERSION = 1;
export const ARCHIVE_MANIFEST = 'trackside-archive.json';

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  created: string;
  runs: { id: string; files: number }[];
  blobs: number;
}

export interface ArchiveProgress {
  /** Bytes copied so far and in all. */
  bytes: number;
  totalBytes: number;
}

export interface ArchiveOptions {
  onProgress?: (p: ArchiveProgress) => void;
  signal?: AbortSignal;
}

export interface ArchiveReport {
  runs: string[];
  files: number;
  blobs: number;
  bytes: number;
  /** Blobs the events name that the store does not have (left out). */
  missingBlobs: string[];
}

/**
 * The blobs a run's events name: every SHA-256 digest in them (files, images, artifacts, code,
 * the git diff, and whatever later event types store), except dataset hashes (datasets are
 * hashed where they are, not stored) and a folder artifact's own hash (its manifest's).
 */
export function hashesNamedBy(eventsText: string): Set<string> {
  const found = new Set<string>();
  const visit = (x: unknown): void => {
    if (typeof x === 'string') {
      if (x.length === 64 && isBlobHash(x.toLowerCase())) found.add(x.toLowerCase());
    } else if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object') for (const v of Object.values(x)) visit(v);
  };
  for (const line of eventsText.split('\n')) {
    if (!line.includes('"')) continue;
    let e: { type?: unknown; files?: unknown };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue; // a bad line names nothing we can trust
    }
    if (e.type === 'dataset') continue;
    if (e.type === 'artifact' && Array.isArray(e.files)) visit(e.files);
    else visit(e);
  }
  return found;
}

/** Writes runs (ids) of the `.trackside` folder `root` to an archive file. */
export async function exportRunArchive(root: string, ids: readonly string[], file: string, opts: ArchiveOptions = {}): Promise<ArchiveReport> {
  const report: ArchiveReport = { runs: [], files: 0, blobs: 0, bytes: 0, missingBlobs: [] };
  const plan: { id: string; files: [string, string, number, number][] }[] = [];
  const blobs = new Map<string, number>();
  for (const id of ids) {
    const dir = runDir(root, id);
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`No run folder for ${id} in ${root}`);
    const files = listFiles(dir).map(([rel, abs]) => {
      const st = statSync(abs);
      return [rel, abs, st.size, st.mtimeMs] as [string, string, number, number];
    });
    const events = files.find(([rel]) => rel === 'events.jsonl');
    for (const hash of events ? hashesNamedBy(readFileSync(events[1], 'utf8')) : []) {
      if (blobs.has(hash)) continue;
      const size = statSync(blobPath(root, hash), { throwIfNoEntry: false })?.size;
      if (size === undefined) report.missingBlobs.push(hash);
      else blobs.set(hash, size);
    }
    plan.push({ id, files });
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    created: new Date().toISOString(),
    runs: plan.map((p) => ({ id: p.id, files: p.files.length })),
    blobs: blobs.size,
  };
  const totalBytes = plan.reduce((n, p) => n + p.files.reduce((m, f) => m + f[2], 0), 0) + [...blobs.values()].reduce((a, b) => a + b, 0);
  const tar = new TarWriter(file, /\.(gz|tgz)$/i.test(file));
  let bytes = 0;
  const progress = (n: number): void => {
    bytes += n;
    opts.onProgress?.({ bytes, totalBytes });
  };
  try {
    await tar.addBuffer(ARCHIVE_MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    for (const p of plan) {
      for (const [rel, abs, size, mtime] of p.files) {
        opts.signal?.throwIfAborted();
        await tar.addFile(`runs/${p.id}/${rel}`, abs, size, mtime, progress);
        report.files++;
      }
      report.runs.push(p.id);
    }
    for (const [hash, size] of [...blobs].sort()) {
      opts.signal?.throwIfAborted();
      await tar.addFile(`blobs/sha256/${hash.slice(0, 2)}/${hash.slice(2)}`, blobPath(root, hash), size, 0, progress);
      report.blobs++;
    }
    await tar.close();
  } catch (e) {
    tar.destroy();
    rmSync(file, { force: true });
    throw e;
  }
  report.bytes = bytes;
  return report;
}
