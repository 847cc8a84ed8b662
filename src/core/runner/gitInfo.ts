// Git state of the workspace at run start, through the git CLI. Never throws: no git,
// not a repository or a slow repository all give undefined (or partial info).
import { execText } from './execText';

export interface GitInfo {
  commit?: string;
  branch?: string;
  dirty: boolean;
  /** `git diff HEAD` (staged and unstaged changes to tracked files); empty when clean. */
  diff: string;
}

export interface GitInfoOptions {
  /** The git binary; default "git" on PATH. */
  git?: string;
  timeoutMs?: number;
  /** Diffs larger than this are left out (diff becomes ""). */
  maxDiffBytes?: number;
}

export async function gitInfo(cwd: string, opts: GitInfoOptions = {}): Promise<GitInfo | undefined> {
  const git = opts.git ?? 'git';
  const timeoutMs = opts.timeoutMs ?? 5_000;
  // No optional locks: a run start must not fight the user's own git commands for index.lock.
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const run = (args: string[], maxBuffer?: number) => execText(git, args, { cwd, env, timeoutMs, maxBuffer });

  const inside = await run(['rev-parse', '--is-inside-work-tree']);
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') return undefined;

  const [head, branch, status, diff] = await Promise.all([
    run(['rev-parse', '--verify', '-q', 'HEAD']),
    run(['symbolic-ref', '-q', '--short', 'HEAD']),
    run(['status', '--porcelain', '--untracked-files=no']),
    run(['diff', 'HEAD', '--no-color', '--no-ext-diff', '--binary'], opts.maxDiffBytes ?? 32 * 1024 * 1024),
  ]);
  const commit = head.code === 0 ? head.stdout.trim() || undefined : undefined;
  return {
    commit,
    // Detached HEAD has no branch.
    branch: branch.code === 0 ? branch.stdout.trim() || undefined : undefined,
    dirty: status.code === 0 ? status.stdout.trim().length > 0 : diff.code === 0 && diff.stdout.length > 0,
    // Without a commit there is nothing to diff against.
    diff: commit && diff.code === 0 ? diff.stdout : '',
  };
}
