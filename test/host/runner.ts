// A tiny test runner for the extension host: suites register tests, run() runs them one at
// a time with a timeout each. No mocha: the bundle stays one file with nothing to resolve.

export type TestFn = () => void | PromiseLike<void>;

export interface TestOptions {
  /** ms; default the run's timeout. */
  timeout?: number;
  /** A known bug, with why: the test runs and reports, but its failure fails nothing. */
  todo?: string;
}

interface Registered {
  suite: string;
  name: string;
  fn: TestFn;
  timeout?: number;
  todo?: string;
  after: TestFn[];
}

export interface TestResult {
  suite: string;
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
  todo?: string;
}

export interface RunResults {
  /** No test failed (known bugs, `todo`, aside). */
  ok: boolean;
  passed: number;
  failed: number;
  /** Tests marked todo that failed. */
  todo: number;
  total: number;
  durationMs: number;
  tests: TestResult[];
}

const registered: Registered[] = [];
let currentSuite: string | undefined;
let running: Registered | undefined;

/** Groups tests; `fn` registers them synchronously. */
export function suite(name: string, fn: () => void): void {
  const outer = currentSuite;
  currentSuite = outer ? `${outer} › ${name}` : name;
  try {
    fn();
  } finally {
    currentSuite = outer;
  }
}

export function test(name: string, fn: TestFn, opts: TestOptions = {}): void {
  registered.push({ suite: currentSuite ?? '', name, fn, timeout: opts.timeout, todo: opts.todo, after: [] });
}

/** Runs `fn` after the current test, passed or failed (last registered runs first). */
export function afterThis(fn: TestFn): void {
  if (!running) throw new Error('afterThis() is only for use inside a test');
  running.after.unshift(fn);
}

export interface RunOptions {
  timeout?: number;
  /** Only tests whose "suite name" matches. */
  grep?: RegExp;
  log?: (line: string) => void;
}

export async function runTests(opts: RunOptions = {}): Promise<RunResults> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const selected = registered.filter((t) => !opts.grep || opts.grep.test(fullName(t)));
  const started = Date.now();
  const tests: TestResult[] = [];
  log(`TAP version 13\n1..${selected.length}`);
  for (const [i, t] of selected.entries()) {
    const result = await runOne(t, t.timeout ?? opts.timeout ?? 60_000);
    tests.push(result);
    log(`${result.ok ? 'ok' : 'not ok'} ${i + 1} - ${fullName(t)} (${result.durationMs} ms)${t.todo ? ` # TODO ${t.todo}` : ''}`);
    if (result.error) log(result.error.replace(/^/gm, '  # '));
  }
  const failed = tests.filter((t) => !t.ok && !t.todo).length;
  const todo = tests.filter((t) => !t.ok && t.todo).length;
  const passed = tests.filter((t) => t.ok).length;
  const summary = { ok: failed === 0, passed, failed, todo, total: tests.length, durationMs: Date.now() - started, tests };
  log(`# pass ${passed}\n# fail ${failed}\n# todo ${todo}`);
  return summary;
}

async function runOne(t: Registered, timeout: number): Promise<TestResult> {
  const started = Date.now();
  let error: string | undefined;
  running = t;
  try {
    await withTimeout(Promise.resolve().then(t.fn), timeout, `timed out after ${timeout} ms`);
  } catch (err) {
    error = describe(err);
  } finally {
    running = undefined;
  }
  // Cleanup runs even after a timeout, so the next test starts from a known state.
  for (const fn of t.after.splice(0)) {
    try {
      await withTimeout(Promise.resolve().then(fn), 10_000, 'cleanup timed out after 10000 ms');
    } catch (err) {
      error = [error, `cleanup: ${describe(err)}`].filter(Boolean).join('\n');
    }
  }
  return {
    suite: t.suite,
    name: t.name,
    ok: error === undefined,
    durationMs: Date.now() - started,
    ...(error ? { error } : {}),
    ...(t.todo ? { todo: t.todo } : {}),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export function fullName(t: { suite: string; name: string }): string {
  return t.suite ? `${t.suite} › ${t.name}` : t.name;
}
