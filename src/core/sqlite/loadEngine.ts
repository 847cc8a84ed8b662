// Picks the SQLite engine: the one a setting or environment variable forces, else the first
// of AUTO_ORDER that loads in this Node. Every attempt is kept with why it failed, so the log
// and `trackside --version` can say why an engine was not used.
import { betterSqliteDriver } from './betterSqliteEngine';
import { type NodeSqlite, builtinDriver } from './builtinEngine';
import type { EngineDriver, EngineName } from './engine';

export type EnginePreference = 'auto' | EngineName;

export const ENGINE_PREFERENCES: readonly EnginePreference[] = ['auto', 'builtin', 'better-sqlite3'];

/**
 * node:sqlite first where the Node has it: on the same work in the same Node the two are within
 * the benchmark's noise (README, "VS Code versions and the SQLite engine"), and node:sqlite is
 * what every VSIX user runs, so the suites test that. better-sqlite3 serves Node 20 hosts.
 */
export const AUTO_ORDER: readonly EngineName[] = ['builtin', 'better-sqlite3'];

export interface EngineAttempt {
  name: EngineName;
  /** Why it did not load; absent for the engine in use. */
  error?: string;
}

export interface LoadedEngine {
  driver: EngineDriver;
  /** Engines tried, in order, the last being the one in use. */
  attempts: EngineAttempt[];
}

export class NoEngineError extends Error {
  constructor(readonly attempts: EngineAttempt[]) {
    super(`No SQLite engine loads in Node ${process.versions.node}: ${attempts.map((a) => `${a.name}: ${a.error}`).join('; ')}`);
    this.name = 'NoEngineError';
  }
}

function loadBuiltin(): EngineDriver {
  // Node 22 announces node:sqlite with an ExperimentalWarning on first load: it is expected
  // here and must not reach users' output.
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if ((type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') && /sqlite/i.test(text)) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return builtinDriver(require('node:sqlite') as NodeSqlite);
  } finally {
    process.emitWarning = emit;
  }
}

function loadBetterSqlite(): EngineDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return betterSqliteDriver(require('better-sqlite3') as Parameters<typeof betterSqliteDriver>[0]);
}

const LOADERS: Record<EngineName, () => EngineDriver> = { builtin: loadBuiltin, 'better-sqlite3': loadBetterSqlite };

/** The first engine of the preference that loads; throws NoEngineError naming every failure. */
export function loadEngine(preference: EnginePreference = 'auto'): LoadedEngine {
  const order = preference === 'auto' ? AUTO_ORDER : [preference];
  const attempts: EngineAttempt[] = [];
  for (const name of order) {
    try {
      const driver = LOADERS[name]();
      attempts.push({ name });
      return { driver, attempts };
    } catch (e) {
      attempts.push({ name, error: oneLine(e) });
    }
  }
  throw new NoEngineError(attempts);
}

/** An error's message on one line (a native module's ABI error spans several), shortened. */
function oneLine(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

let cached: LoadedEngine | undefined;
let cachedPreference: EnginePreference | undefined;

/**
 * The engine for this process: TRACKSIDE_SQLITE_ENGINE (auto | builtin | better-sqlite3)
 * forces one; loaded once.
 */
export function processEngine(preference?: EnginePreference): LoadedEngine {
  const want = preference ?? enginePreferenceFromEnv();
  if (!cached || cachedPreference !== want) {
    cached = loadEngine(want);
    cachedPreference = want;
  }
  return cached;
}

export function enginePreferenceFromEnv(): EnginePreference {
  const v = process.env.TRACKSIDE_SQLITE_ENGINE;
  return (ENGINE_PREFERENCES as readonly string[]).includes(v ?? '') ? (v as EnginePreference) : 'auto';
}
