// The extension host's side of the index worker: typed requests by name, each answered once
// (a failure comes back as an IndexError with the worker's error name and fields), long jobs
// with progress and cancel. The worker starts on the first request; if it dies, pending
// requests fail and the next request starts a new one.
import { Worker } from 'node:worker_threads';
import type { EngineInfo, FromWorker, IngestNotice, JobProgress, ToWorker, WireError, WorkerData } from '../protocol/indexWorker';
import type { IndexJobs, IndexMethods } from '../worker/indexMethods';

export type MethodName = keyof IndexMethods;
export type JobName = keyof IndexJobs;
export type JobArgs<K extends JobName> = IndexJobs[K] extends (job: never, ...args: infer A) => unknown ? A : never;

/** An error the index worker answered with. `name` is the worker's class name (QueryError, CorruptIndexError, …). */
export class IndexError extends Error {
  readonly data: Record<string, unknown>;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.data = wire.data ?? {};
  }
}

export interface IndexClientHooks {
  ingested(notice: IngestNotice): void;
  models(): void;
  reading(progress: JobProgress | undefined): void;
  log(text: string): void;
  /** The engine in use, or why none loads. */
  engine(info: EngineInfo | { error: IndexError; attempts: EngineInfo['attempts']; node: string }): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress?: (p: JobProgress) => void;
}

export class IndexClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(
    private readonly workerFile: string,
    private readonly data: WorkerData,
    private readonly hooks: IndexClientHooks,
  ) {}

  call<K extends MethodName>(method: K, ...args: Parameters<IndexMethods[K]>): Promise<Awaited<ReturnType<IndexMethods[K]>>> {
    return this.send(method, args) as Promise<Awaited<ReturnType<IndexMethods[K]>>>;
  }

  job<K extends JobName>(
    method: K,
    opts: { progress?: (p: JobProgress) => void; signal?: AbortSignal },
    ...args: JobArgs<K>
  ): Promise<Awaited<ReturnType<IndexJobs[K]>>> {
    return this.send(method, args, opts) as Promise<Awaited<ReturnType<IndexJobs[K]>>>;
  }

  /** Files under runs/ changed: the worker reads new events soon (when its index is open). */
  changed(): void {
    this.worker?.postMessage({ kind: 'changed' } satisfies ToWorker);
  }

  get started(): boolean {
    return this.worker !== undefined;
  }

  private send(method: string, args: unknown[], opts: { progress?: (p: JobProgress) => void; signal?: AbortSignal } = {}): Promise<unknown> {
    if (this.disposed) return Promise.reject(new IndexError({ name: 'Error', message: 'the index is closed' }));
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress: opts.progress });
      if (opts.signal) {
        if (opts.signal.aborted) worker.postMessage({ kind: 'cancel', id } satisfies ToWorker);
        opts.signal.addEventListener('abort', () => this.worker?.postMessage({ kind: 'cancel', id } satisfies ToWorker), { once: true });
      }
      worker.postMessage({ kind: 'call', id, method, args } satisfies ToWorker);
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    // The worker is one bundled file: it needs none of the host's flags or module loaders.
    const worker = new Worker(this.workerFile, { workerData: this.data, stderr: false, execArgv: [] });
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.hooks.log(`index worker error: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const error = new IndexError({ name: 'Error', message: `the index worker stopped (exit code ${code})` });
      if (!this.disposed) this.hooks.log(error.message);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromWorker): void {
    switch (m.kind) {
      case 'result':
      case 'error': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.kind === 'result') p.resolve(m.value);
        else p.reject(new IndexError(m.error));
        return;
      }
      case 'progress':
        this.pending.get(m.id)?.progress?.(m.progress);
        return;
      case 'ingested':
        this.hooks.ingested(m.notice);
        return;
      case 'models':
        this.hooks.models();
        return;
      case 'reading':
        this.hooks.reading(m.progress);
        return;
      case 'log':
        this.hooks.log(m.text);
        return;
      case 'ready':
        this.hooks.engine(m.engine);
        return;
      case 'noEngine':
        this.hooks.engine({ error: new IndexError(m.error), attempts: m.attempts, node: m.node });
        return;
    }
  }

  dispose(): void {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new IndexError({ name: 'Error', message: 'the index is closed' }));
    this.pending.clear();
    void worker?.terminate();
  }
}
