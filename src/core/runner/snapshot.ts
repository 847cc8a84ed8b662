// Code snapshot: the script plus the workspace files matching the include globs, stored
// as blobs. An unchanged file costs a stat (same path, size and mtime as seen earlier in
// this process) or, the first time, one hash: blobs are only copied when missing.
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { hasBlob, putFile } from '../blobs';
import type { FileEntry } from '../events';
import { globMatcher } from './glob';
import { mapLimit } from './mapLimit';
import { listWorkspaceFiles } from './workspaceFiles';

export const DEFAULT_SNAPSHOT_INCLUDE: readonly string[] = [
  '**/*.py',
  '**/*.ipynb',
  '**/requirements*.txt',
  '**/*.{yaml,yml,toml}',
  '**/pyproject.toml',
];

export interface SnapshotOptions {
  /** The program being run (absolute, or relative to the workspace); always included. */
  script?: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Default 1 MiB. The script is exempt. */
  maxFileBytes?: number;
  /** Default 50 MiB. */
  maxTotalBytes?: number;
  /** Default 5,000. */
  maxFiles?: number;
  /** Ask git for the file list when the workspace is a repository (default true). */
  useGit?: boolean;
  /** Stat cache; default one shared by the process. */
  cache?: SnapshotCache;
}

export type SkipReason = 'too-large' | 'total-cap' | 'file-cap' | 'unreadable' | 'scan-limit';

export interface SkippedFile {
  path: string;
  size?: number;
  reason: SkipReason;
}

export interface SnapshotResult {
  files: FileEntry[];
  skipped: SkippedFile[];
  totalBytes: number;
  source: 'git' | 'walk';
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}

export type SnapshotCache = Map<string, CacheEntry>;

export function createSnapshotCache(): SnapshotCache {
  return new Map();
}

const sharedCache = createSnapshotCache();

/** Where an out-of-workspace script is recorded in the snapshot. */
export const EXTERNAL_PREFIX = '(external)/';

export async function snapshotCode(root: string, workspaceDir: string, opts: SnapshotOptions = {}): Promise<SnapshotResult> {
  const maxFileBytes = opts.maxFileBytes ?? 1024 * 1024;
  const maxTotalBytes = opts.maxTotalBytes ?? 50 * 1024 * 1024;
  const maxFiles = opts.maxFiles ?? 5000;
  const cache = opts.cache ?? sharedCache;
  const include = globMatcher(opts.include ?? DEFAULT_SNAPSHOT_INCLUDE);
  const exclude = globMatcher(opts.exclude ?? []);
  const ws = resolve(workspaceDir);

  const listed = await listWorkspaceFiles(ws, { useGit: opts.useGit });
  const skipped: SkippedFile[] = [];
  if (listed.truncated) skipped.push({ path: '', reason: 'scan-limit' });

  // The script first, so caps never push it out.
  const wanted: { path: string; abs: string; script: boolean }[] = [];
  let scriptPath: string | undefined;
  if (opts.script) {
    const abs = resolve(ws, opts.script);
    const rel = relative(ws, abs);
    const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    scriptPath = inside ? rel.split(sep).join('/') : EXTERNAL_PREFIX + rel.split(sep).pop();
    wanted.push({ path: scriptPath, abs, script: true });
  }
  for (const path of listed.files) {
    if (path === scriptPath || !include(path) || exclude(path)) continue;
    wanted.push({ path, abs: resolve(ws, path), script: false });
  }

  const stats = await mapLimit(wanted, 32, async (w) => {
    try {
      const s = await stat(w.abs);
      return s.isFile() ? s : undefined;
    } catch {
      return undefined;
    }
  });

  const chosen: { path: string; abs: string; size: number; mtimeMs: number }[] = [];
  let totalBytes = 0;
  for (let i = 0; i < wanted.length; i++) {
    const w = wanted[i];
    const s = stats[i];
    if (!s) {
      // A tracked file deleted from the work tree is simply not there; only say so for the script.
      if (w.script) skipped.push({ path: w.path, reason: 'unreadable' });
      continue;
    }
    if (!w.script && s.size > maxFileBytes) skipped.push({ path: w.path, size: s.size, reason: 'too-large' });
    else if (chosen.length >= maxFiles) skipped.push({ path: w.path, size: s.size, reason: 'file-cap' });
    else if (totalBytes + s.size > maxTotalBytes) skipped.push({ path: w.path, size: s.size, reason: 'total-cap' });
    else {
      chosen.push({ path: w.path, abs: w.abs, size: s.size, mtimeMs: s.mtimeMs });
      totalBytes += s.size;
    }
  }

  const stored = await mapLimit(chosen, 8, async (c): Promise<FileEntry | undefined> => {
    const hit = cache.get(c.abs);
    if (hit && hit.size === c.size && hit.mtimeMs === c.mtimeMs && (await hasBlob(root, hit.hash))) {
      return { path: c.path, hash: hit.hash, size: c.size };
    }
    try {
      const blob = await putFile(root, c.abs);
      cache.set(c.abs, { size: blob.size, mtimeMs: c.mtimeMs, hash: blob.hash });
      return { path: c.path, hash: blob.hash, size: blob.size };
    } catch {
      skipped.push({ path: c.path, size: c.size, reason: 'unreadable' });
      return undefined;
    }
  });

  const files = stored.filter((f): f is FileEntry => f !== undefined);
  return { files, skipped, totalBytes: files.reduce((n, f) => n + f.size, 0), source: listed.source };
}
