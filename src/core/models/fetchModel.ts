// Fetch for deployment: a version's weights and inference code copied out of the blob store
// into a folder, with a manifest, every file's hash checked as it is copied.
//
//   DIR/manifest.json        what was fetched (below)
//   DIR/weights/<name>       the weights file, or folder <name>/… of files
//   DIR/code/<path>          the inference / preprocessing code, as logged
//
// The Python client's trackside.models.get(…, to=DIR) writes the same layout.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { blobPath, hashFileSync } from '../blobs';
import { safeRelative } from '../safePaths';
import type { FileEntry } from '../events';
import type { VersionInfo } from './modelQueries';

export const MANIFEST = 'manifest.json';

export interface ManifestFile extends FileEntry {
  role: 'weights' | 'code';
}

export interface FetchManifest {
  format: 1;
  model: string;
  version: number;
  /** What was asked for, e.g. "churn@production". */
  ref: string;
  aliases: string[];
  /** Training run id. */
  run: string | null;
  /** When the version was logged (unix ms). */
  logged: number | null;
  /** Path of the weights (file or folder), relative to the manifest. */
  weights: string;
  /** Weights hash (a folder's: its manifest hash, as logged). */
  hash: string;
  files: ManifestFile[];
  metadata: Record<string, unknown>;
  datasets: { name: string; hash: string }[];
}

/** A logged relative path, refused unless it is a plain relative one. */
function plainPath(path: string): string {
  const safe = safeRelative(path);
  if (safe === undefined) throw new Error(`refusing to write to ${JSON.stringify(path)}: not a plain relative path`);
  return safe;
}

const CHUNK = 1 << 20;

/** Copies a blob to `to` while hashing it; a mismatch removes the copy and throws. */
export function copyVerified(root: string, f: FileEntry, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  const src = openSync(blobPath(root, f.hash), 'r');
  let ok = false;
  try {
    const dst = openSync(tmp, 'w');
    try {
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(CHUNK);
      let size = 0;
      for (;;) {
        const n = readSync(src, buf, 0, CHUNK, null);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        writeSync(dst, buf, 0, n);
        size += n;
      }
      const hash = h.digest('hex');
      if (hash !== f.hash || size !== f.size) {
        throw new Error(`${f.path}: the stored copy is damaged (sha256 ${hash}, ${size} bytes; expected ${f.hash}, ${f.size} bytes)`);
      }
    } finally {
      closeSync(dst);
    }
    renameSync(tmp, to);
    ok = true;
  } finally {
    closeSync(src);
    if (!ok) rmSync(tmp, { force: true });
  }
}

/** The files of a version in fetch layout (paths relative to DIR). */
export function fetchFiles(v: VersionInfo): ManifestFile[] {
  const r = v.record;
  const weights = plainPath(r.weights ?? 'weights');
  if (weights.includes('/')) throw new Error(`refusing weights name ${JSON.stringify(weights)}`);
  const files: ManifestFile[] = r.files?.length
    ? r.files.map((f) => ({ path: `weights/${weights}/${plainPath(f.path)}`, hash: f.hash, size: f.size, role: 'weights' }))
    : [{ path: `weights/${weights}`, hash: r.hash, size: r.size, role: 'weights' }];
  for (const f of r.code) files.push({ path: `code/${plainPath(f.path)}`, hash: f.hash, size: f.size, role: 'code' });
  return files;
}

/** Writes the version into `dir` (created if needed) and returns the manifest written. */
export function fetchModel(root: string, v: VersionInfo, ref: string, dir: string): FetchManifest {
  const files = fetchFiles(v);
  for (const f of files) {
    if (!existsSync(blobPath(root, f.hash))) throw new Error(`${f.path}: blob ${f.hash} is missing from the store`);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyVerified(root, f, join(dir, ...f.path.split('/')));
  const r = v.record;
  const manifest: FetchManifest = {
    format: 1,
    model: v.name,
    version: v.version,
    ref,
    aliases: v.aliases,
    run: v.runId,
    logged: v.t,
    weights: `weights/${r.weights ?? 'weights'}`,
    hash: v.hash,
    files,
    metadata: r.metadata ?? {},
    datasets: r.datasets ?? [],
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}


/** Checks a fetched folder against its manifest; returns the problems (none: intact). */
export function verifyFetched(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as FetchManifest;
  const problems: string[] = [];
  for (const f of manifest.files) {
    const path = join(dir, ...plainPath(f.path).split('/'));
    if (!existsSync(path)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const got = hashFileSync(path);
    if (got.hash !== f.hash || got.size !== f.size) problems.push(`${f.path}: sha256 ${got.hash} (${got.size} bytes), manifest says ${f.hash} (${f.size} bytes)`);
  }
  return problems;
}
