// Polling helpers: e2e tests wait for a condition, never for a fixed time.
import { existsSync, readFileSync } from 'node:fs';

export interface WaitOptions {
  timeout?: number;
  interval?: number;
  message?: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `probe` until it returns a value other than undefined/false, or throws after `timeout` ms. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeout = 30_000, interval = 100, message = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = performance.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err; // a probe may throw while the thing it reads is half-written
    }
    if (performance.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${message}${cause}`);
    }
    await pause(interval);
  }
}

export interface FileWaitOptions extends WaitOptions {
  /** Also wait until the text content matches. */
  contains?: string | RegExp;
}

/** Waits until `path` exists (and its text matches `contains`), returns its text. */
export function waitForFile(path: string, opts: FileWaitOptions = {}): Promise<string> {
  const { contains } = opts;
  return waitFor(
    () => {
      if (!existsSync(path)) return undefined;
      const text = readFileSync(path, 'utf8');
      if (contains === undefined) return text;
      return (typeof contains === 'string' ? text.includes(contains) : contains.test(text)) ? text : undefined;
    },
    { message: `file ${path}${contains ? ` containing ${contains}` : ''}`, ...opts },
  );
}
