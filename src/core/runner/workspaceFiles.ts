// Lists the files of a workspace that a code snapshot may hold: git's own view
// (tracked + untracked, not ignored) when the workspace is in a repository, otherwise a
// walk that honours .gitignore files. Tool, cache and environment folders are always left out.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execText } from './execText';
import { isIgnored, parseGitignore } from './gitignore';
import type { IgnoreRule } from './gitignore';

/** Folder names never snapshotted. */
export const ALWAYS_SKIPPED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  '.trackside',
  'node_modules',
  '__pycache__',
  '.ipynb_checkpoints',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
]);

export interface WorkspaceFileList {
  /** Workspace-relative, "/"-separated. */
  files: string[];
  source: 'git' | 'walk';
  /** The walk stopped at maxEntries. */
  truncated: boolean;
}

export interface ListOptions {
  /** Ask git when the workspace is in a repository (default true). */
  useGit?: boolean;
  git?: string;
  /** Stop walking after this many directory entries (default 200,000). */
  maxEntries?: number;
  timeoutMs?: number;
}

export async function listWorkspaceFiles(dir: string, opts: ListOptions = {}): Promise<WorkspaceFileList> {
  if (opts.useGit !== false) {
    const fromGit = await listWithGit(dir, opts);
    if (fromGit) return { files: fromGit, source: 'git', truncated: false };
  }
  return walk(dir, opts.maxEntries ?? 200_000);
}

async function listWithGit(dir: string, opts: ListOptions): Promise<string[] | undefined> {
  const res = await execText(opts.git ?? 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: dir,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    timeoutMs: opts.timeoutMs ?? 15_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.code !== 0) return undefined;
  const envDirs = new Map<string, boolean>();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of res.stdout.split('\0')) {
    // "dir/" is an untracked nested repository; --cached lists a conflicted file once per stage.
    if (path === '' || path.endsWith('/') || seen.has(path)) continue;
    seen.add(path);
    if (skippedByFolder(dir, path, envDirs)) continue;
    out.push(path);
  }
  return out;
}

/** Whether any folder on the path is one that is always left out (by name, or because it
 * is a Python environment). */
function skippedByFolder(root: string, path: string, envDirs: Map<string, boolean>): boolean {
  const parts = path.split('/');
  let prefix = '';
  for (let i = 0; i < parts.length - 1; i++) {
    prefix = prefix ? `${prefix}/${parts[i]}` : parts[i];
    if (ALWAYS_SKIPPED_DIRS.has(parts[i])) return true;
    let env = envDirs.get(prefix);
    if (env === undefined) {
      env = isPythonEnv(join(root, prefix));
      envDirs.set(prefix, env);
    }
    if (env) return true;
  }
  return false;
}

function isPythonEnv(absDir: string): boolean {
  return existsSync(join(absDir, 'pyvenv.cfg')) || existsSync(join(absDir, 'conda-meta'));
}

async function walk(root: string, maxEntries: number): Promise<WorkspaceFileList> {
  const files: string[] = [];
  let entries = 0;
  let truncated = false;
  // Depth first with an explicit stack; each folder carries the rules in effect for it.
  const stack: { rel: string; rules: IgnoreRule[] }[] = [{ rel: '', rules: [] }];
  while (stack.length > 0) {
    const { rel, rules: parentRules } = stack.pop()!;
    const abs = rel ? join(root, rel) : root;
    if (rel && isPythonEnv(abs)) continue;
    let list;
    try {
      list = await readdir(abs, { withFileTypes: true });
    } catch {
      continue;
    }
    let rules = parentRules;
    if (list.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      try {
        rules = [...parentRules, ...parseGitignore(await readFile(join(abs, '.gitignore'), 'utf8'), rel)];
      } catch {
        // unreadable .gitignore: keep the parent's rules
      }
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of list) {
      if (++entries > maxEntries) {
        truncated = true;
        break;
      }
      const path = rel ? `${rel}/${e.name}` : e.name;
      // Symlinked folders are not followed (cycles, and they usually point at data).
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(e.name) || isIgnored(rules, path, true)) continue;
        subdirs.push(path);
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (!isIgnored(rules, path, false)) files.push(path);
      }
    }
    if (truncated) break;
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ rel: subdirs[i], rules });
  }
  files.sort();
  return { files, source: 'walk', truncated };
}
