// The index worker's entry (bundled as dist/indexWorker.js): owns the SQLite connection,
// ingest, rebuild, import and export, so the extension host's thread runs no SQL and reads
// no event files. Answers each request once; long jobs report progress and can be cancelled.
import { parentPort, workerData } from 'node:worker_threads';
import { type EnginePreference, ENGINE_PREFERENCES, NoEngineError, loadEngine } from '../core/sqlite/loadEngine';
import type { FromWorker, ToWorker, WorkerData } from '../protocol/indexWorker';
import type { SeriesData } from '../protocol/series';
import { indexJobs, indexMethods } from './indexMethods';
import { IndexState } from './indexState';
import { teamRequest } from './teamMethods';
import { toWireError } from './wireError';

const port = parentPort!;
const PROGRESS_MS = 100;
const data = workerData as WorkerData;
const post = (m: FromWorker): void => port.postMessage(m);

/** Every request gets one answer, also when its value cannot cross to the host. */
function answer(id: number, value: unknown): void {
  try {
    post({ kind: 'result', id, value });
  } catch (e) {
    post({ kind: 'error', id, error: toWireError(e) });
  }
}

function start(): void {
  const preference = (ENGINE_PREFERENCES as readonly string[]).includes(data.engine) ? (data.engine as EnginePreference) : 'auto';
  let loaded;
  try {
    loaded = loadEngine(preference);
  } catch (e) {
    const attempts = e instanceof NoEngineError ? e.attempts : [];
    post({ kind: 'noEngine', error: toWireError(e), attempts, node: process.versions.node });
    port.on('message', (m: ToWorker) => {
      if (m.kind === 'call') post({ kind: 'error', id: m.id, error: toWireError(e) });
    });
    return;
  }
  const state = new IndexState(data.root, loaded.driver, {
    ingested: (notice) => post({ kind: 'ingested', notice }),
    models: () => post({ kind: 'models' }),
    reading: (progress) => post({ kind: 'reading', progress }),
    log: (text) => post({ kind: 'log', text }),
  });
  const methods = indexMethods(state) as Record<string, (...args: unknown[]) => unknown>;
  const jobs = indexJobs(state) as Record<string, (job: unknown, ...args: unknown[]) => Promise<unknown>>;
  const running = new Map<number, AbortController>();

  port.on('message', (m: ToWorker) => {
    if (m.kind === 'changed') {
      if (state.isOpen) state.ingestSoon();
      return;
    }
    if (m.kind === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const method = methods[m.method];
    if (method) {
      try {
        // A panel's request about a team run ("team:<id>") is answered from the team index.
        const value = teamRequest(state, m.method, m.args, (r) => (methods.series([r]) as SeriesData[])[0]) ?? method(...m.args);
        if (value instanceof Promise) value.then((v) => answer(m.id, v), (e: unknown) => post({ kind: 'error', id: m.id, error: toWireError(e) }));
        else answer(m.id, value);
      } catch (e) {
        post({ kind: 'error', id: m.id, error: toWireError(e) });
      }
      return;
    }
    const job = jobs[m.method];
    if (!job) {
      post({ kind: 'error', id: m.id, error: { name: 'Error', message: `unknown index request ${m.method}` } });
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    // Progress at most every 100 ms: the host's thread is not to be kept busy with it.
    let lastProgress = 0;
    const progress = (p: unknown): void => {
      const now = Date.now();
      const { done, total } = p as { done?: number; total?: number };
      if (now - lastProgress < PROGRESS_MS && (done === undefined || done !== total)) return;
      lastProgress = now;
      post({ kind: 'progress', id: m.id, progress: p as never });
    };
    job({ signal: controller.signal, progress }, ...m.args)
      .then((value) => answer(m.id, value))
      .catch((e: unknown) => post({ kind: 'error', id: m.id, error: toWireError(e) }))
      .finally(() => running.delete(m.id));
  });
  post({
    kind: 'ready',
    engine: { name: loaded.driver.name, sqliteVersion: loaded.driver.sqliteVersion, attempts: loaded.attempts, node: process.versions.node },
  });
}

start();
