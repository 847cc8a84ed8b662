// The workspace's index as the editor sees it: a worker thread owns it (src/worker); this
// side asks by name, relays the worker's news as events (runs changed, models changed), tells
// the user about malformed lines once per pass, names the SQLite engine in the log, and hints
// the worker when run folders change on disk.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsDir } from '../core/paths';
import type { EngineInfo, IngestNotice, JobProgress } from '../protocol/indexWorker';
import { type IndexClientHooks, IndexClient, IndexError, type JobArgs, type JobName, type MethodName } from './indexClient';
import type { IndexJobs, IndexMethods } from '../worker/indexMethods';

/** `noBuiltin`: no node:sqlite in this extension host and better-sqlite3 does not load (an old VS Code). */
export type IndexStatus = { state: 'starting' } | { state: 'ready'; engine: EngineInfo } | { state: 'failed'; reason: 'noBuiltin' | 'other'; message: string };

/** The first desktop VS Code whose extension host has node:sqlite (Electron 35, Node 22.15). */
export const FIRST_VSCODE_WITH_BUILTIN_SQLITE = '1.101';

export class IndexService implements vscode.Disposable {
  private readonly client: IndexClient;
  private readonly changed = new vscode.EventEmitter<{ ids: string[]; all: boolean }>();
  readonly onDidChange = this.changed.event;
  private readonly modelsChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeModels = this.modelsChanged.event;
  private readonly readingChanged = new vscode.EventEmitter<JobProgress | undefined>();
  /** A pass is reading new run folders (how far), or ended (undefined). */
  readonly onDidChangeReading = this.readingChanged.event;
  private readonly statusChanged = new vscode.EventEmitter<IndexStatus>();
  readonly onDidChangeStatus = this.statusChanged.event;
  private current: IndexStatus = { state: 'starting' };
  private readonly disposables: vscode.Disposable[] = [];
  private watching = false;

  constructor(
    readonly root: string,
    extensionPath: string,
    private readonly log: vscode.OutputChannel,
    engine: string,
  ) {
    const hooks: IndexClientHooks = {
      ingested: (n) => this.onIngested(n),
      models: () => this.modelsChanged.fire(),
      reading: (p) => this.readingChanged.fire(p),
      log: (text) => log.appendLine(text),
      engine: (info) => this.onEngine(info),
    };
    this.client = new IndexClient(path.join(extensionPath, 'dist', 'indexWorker.js'), { root, engine }, hooks);
  }

  get status(): IndexStatus {
    return this.current;
  }

  /** Asks the index; the first request starts the worker, opens the index and starts reading runs. */
  call<K extends MethodName>(method: K, ...args: Parameters<IndexMethods[K]>): Promise<Awaited<ReturnType<IndexMethods[K]>>> {
    this.watch();
    return this.client.call(method, ...args);
  }

  job<K extends JobName>(
    method: K,
    opts: { progress?: (p: JobProgress) => void; signal?: AbortSignal },
    ...args: JobArgs<K>
  ): Promise<Awaited<ReturnType<IndexJobs[K]>>> {
    this.watch();
    return this.client.job(method, opts, ...args);
  }

  /** New events of one run (after an edit, a start, an end), or of every run; listeners hear of changes. */
  async ingest(id?: string): Promise<void> {
    try {
      if (id) await this.call('ingestRun', id);
      else await this.job('ingestAll', {});
    } catch (e) {
      this.log.appendLine(`reading new events failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Whether the worker has been asked anything yet (views that only refresh an open index check this). */
  get isStarted(): boolean {
    return this.client.started;
  }

  private onIngested(n: IngestNotice): void {
    if (n.all || n.changed.length || n.removed.length) this.changed.fire({ ids: [...n.changed, ...n.removed], all: !!n.all || n.removed.length > 0 });
    if (n.badTotal > 0) {
      for (const b of n.bad) this.log.appendLine(`skipped bad event line ${b.file}:${b.line}: ${b.message}`);
      const first = n.bad[0];
      void vscode.window
        .showWarningMessage(
          `Trackside skipped ${n.badTotal} malformed event line${n.badTotal === 1 ? '' : 's'}${first ? ` (first: ${path.basename(path.dirname(first.file))} line ${first.line})` : ''}. The rest of the runs were read.`,
          'Show Details',
        )
        .then((pick) => pick && this.log.show());
    }
  }

  private onEngine(info: Parameters<IndexClientHooks['engine']>[0]): void {
    if ('error' in info) {
      const tried = info.attempts.map((a) => `${a.name}: ${a.error ?? 'loaded'}`).join('; ');
      this.log.appendLine(`Index: no SQLite engine loads in this extension host (Node ${info.node}). ${tried}`);
      const builtinMissing = info.attempts.some((a) => a.name === 'builtin' && a.error);
      const message = builtinMissing
        ? `This VS Code's extension host (Node ${info.node}) has no built-in SQLite and better-sqlite3 does not load in it. Update VS Code to ${FIRST_VSCODE_WITH_BUILTIN_SQLITE} or later.`
        : `No SQLite engine loads: ${tried}`;
      this.setStatus({ state: 'failed', reason: builtinMissing ? 'noBuiltin' : 'other', message });
      return;
    }
    const others = info.attempts.filter((a) => a.error).map((a) => `${a.name} not used: ${a.error}`);
    this.log.appendLine(
      `Index engine: ${info.name === 'builtin' ? 'node:sqlite (built in)' : 'better-sqlite3'}, SQLite ${info.sqliteVersion}, Node ${info.node}${others.length ? `; ${others.join('; ')}` : ''}`,
    );
    this.setStatus({ state: 'ready', engine: info });
  }

  private setStatus(s: IndexStatus): void {
    this.current = s;
    this.statusChanged.fire(s);
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runsDir(this.root)), '**/events.jsonl'));
    const hint = () => this.client.changed();
    this.disposables.push(watcher, watcher.onDidCreate(hint), watcher.onDidChange(hint), watcher.onDidDelete(hint));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.client.dispose();
    this.changed.dispose();
    this.modelsChanged.dispose();
    this.readingChanged.dispose();
    this.statusChanged.dispose();
  }
}

export { IndexError };
