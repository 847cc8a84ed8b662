// A lock file for short read-modify-write steps on a shared file (two windows on one
// workspace may both checkpoint). Calls in this process queue up first, so only one of them
// ever waits on the file.
import { open, rm, stat } from 'node:fs/promises';

export interface LockOptions {
  /** A lock file older than this was left by a process that died: taken over. */
  staleMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
}

const queues = new Map<string, Promise<unknown>>();

export function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const prev = queues.get(lockPath) ?? Promise.resolve();
  const run = prev.then(
    () => holding(lockPath, fn, opts),
    () => holding(lockPath, fn, opts),
  );
  const tail = run.catch(() => undefined);
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return run;
}

async function holding<T>(lockPath: string, fn: () => Promise<T> | T, opts: LockOptions): Promise<T> {
  const staleMs = opts.staleMs ?? 10_000;
  const deadline = performance.now() + (opts.timeoutMs ?? 5_000);
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => Infinity,
      );
      if (age > staleMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (performance.now() > deadline) throw new Error(`${lockPath} is held by another process.`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
