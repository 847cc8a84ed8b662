import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ingestAll, ingestRun, type IngestReport } from '../core/ingest';
import { runsDir } from '../core/paths';
import { listRuns } from '../core/runQueries';
import { rebuild } from '../core/rebuild';
import { openIndex, type Store } from '../core/store';

const POLL_MS = 1000;

/**
 * The workspace's index: opened on first use (activation stays cheap), kept current by a
 * watcher on `.trackside/runs` with a polling fallback, and telling listeners which runs
 * changed.
 */
export class IndexService implements vscode.Disposable {
  private store: Store | undefined;
  private readonly changed = new vscode.EventEmitter<{ ids: string[]; all: boolean }>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private ingestQueued: ReturnType<typeof setTimeout> | undefined;
  private lastRunsDirMtime = 0;
  private reportedBad = 0;

  constructor(
    readonly root: string,
    private readonly log: vscode.OutputChannel,
  ) {}

  /** The open index; the first call opens it and ingests what is new. */
  get(): Store {
    if (!this.store) {
      fs.mkdirSync(this.root, { recursive: true });
      this.store = openIndex(this.root);
      this.report(ingestAll(this.store));
      this.watch();
    }
    return this.store;
  }

  isOpen(): boolean {
    return this.store !== undefined;
  }

  /** Ingest new events of every run (or one) now, and tell listeners. */
  ingest(id?: string): IngestReport {
    const store = this.get();
    const report = id ? ingestRun(store, id) : ingestAll(store);
    this.report(report);
    return report;
  }

  /** Soon, coalescing bursts of file events. */
  ingestSoon(): void {
    if (this.ingestQueued) return;
    this.ingestQueued = setTimeout(() => {
      this.ingestQueued = undefined;
      try {
        this.ingest();
      } catch (err) {
        this.log.appendLine(`ingest failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, 100);
  }

  rebuild(): IngestReport {
    this.store?.close();
    this.store = undefined;
    const report = rebuild(this.root);
    this.store = openIndex(this.root);
    this.changed.fire({ ids: [], all: true });
    this.report(report, false);
    return report;
  }

  private report(r: IngestReport, fire = true): void {
    if (fire && (r.runsChanged.length || r.runsRemoved.length)) {
      this.changed.fire({ ids: [...r.runsChanged, ...r.runsRemoved], all: r.runsRemoved.length > 0 });
    }
    if (r.badTotal > 0) {
      for (const b of r.bad.slice(0, 20)) this.log.appendLine(`skipped bad event line ${b.file}:${b.line}: ${b.message}`);
      this.reportedBad += r.badTotal;
      void vscode.window.showWarningMessage(
        `Trackside skipped ${r.badTotal} malformed event line${r.badTotal === 1 ? '' : 's'} (first: ${path.basename(path.dirname(r.bad[0]?.file ?? ''))} line ${r.bad[0]?.line}). The rest of the runs were read.`,
        'Show Details',
      ).then((pick) => pick && this.log.show());
    }
  }

  private watch(): void {
    const dir = runsDir(this.root);
    fs.mkdirSync(dir, { recursive: true });
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/events.jsonl'));
    this.disposables.push(watcher, watcher.onDidCreate(() => this.ingestSoon()), watcher.onDidChange(() => this.ingestSoon()), watcher.onDidDelete(() => this.ingestSoon()));
    // Polling fallback for file systems without events (network mounts, copied folders):
    // a new run folder changes the runs folder's mtime; running runs are re-read.
    this.pollTimer = setInterval(() => this.poll(dir), POLL_MS);
  }

  private poll(dir: string): void {
    try {
      const mtime = fs.statSync(dir).mtimeMs;
      if (mtime !== this.lastRunsDirMtime) {
        this.lastRunsDirMtime = mtime;
        this.ingest();
        return;
      }
      if (!this.store) return;
      for (const r of listRuns(this.store, { status: 'running', limit: 10_000 })) this.ingest(r.id);
    } catch (err) {
      this.log.appendLine(`polling the runs folder failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.ingestQueued) clearTimeout(this.ingestQueued);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.store?.close();
  }
}
