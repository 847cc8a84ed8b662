// The model registry as the editor sees it: synced into the index on demand, and one event
// when models, aliases or evaluations may have changed (registry files, run changes,
// the editor's own writes), coalesced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { syncModels } from '../../core/models/modelSync';
import { modelsDir } from '../../core/models/registryPaths';
import type { Store } from '../../core/store';
import type { IndexService } from '../indexService';

/** Registry files written without file events (network mounts, other tools) are seen this often. */
const POLL_MS = 2000;
const COALESCE_MS = 150;

export class ModelService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly poll: ReturnType<typeof setInterval>;
  private watching = false;

  constructor(
    private readonly index: IndexService,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(index.onDidChange(() => this.changeSoon()));
    this.poll = setInterval(() => {
      if (this.index.isOpen()) this.syncAndTell();
    }, POLL_MS);
  }

  get root(): string {
    return this.index.root;
  }

  /** The index with the registry read in. */
  store(): Store {
    const store = this.index.get();
    this.watch();
    this.sync(store);
    return store;
  }

  /** After a write of our own: read it in and tell listeners now. */
  written(): void {
    this.sync(this.index.get());
    this.changed.fire();
  }

  private sync(store: Store): string[] {
    const report = syncModels(store);
    for (const b of report.bad.slice(0, 5)) this.log.appendLine(`skipped ${b.file}:${b.line}: ${b.message}`);
    return report.changed;
  }

  private syncAndTell(): void {
    try {
      if (this.sync(this.index.get()).length) this.changed.fire();
    } catch (err) {
      this.log.appendLine(`reading the model registry failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private changeSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.sync(this.index.get());
      } catch (err) {
        this.log.appendLine(`reading the model registry failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.changed.fire();
    }, COALESCE_MS);
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const dir = modelsDir(this.root);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(dir)), 'models/**'));
    const on = () => this.changeSoon();
    this.disposables.push(watcher, watcher.onDidCreate(on), watcher.onDidChange(on), watcher.onDidDelete(on));
  }

  dispose(): void {
    clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
