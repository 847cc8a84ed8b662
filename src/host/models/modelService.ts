// The model registry as the editor sees it: the index worker reads registry files into the
// index (on its own poll, and soon after a file event here); one event when models, aliases
// or evaluations may have changed, coalesced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { modelsDir } from '../../core/models/registryPaths';
import type { IndexService } from '../indexService';

const COALESCE_MS = 150;

export class ModelService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A file event asked for a read of the registry: kept when it joins a pending change. */
  private syncPending = false;

  constructor(
    readonly index: IndexService,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      index.onDidChange(() => this.changeSoon(false)),
      index.onDidChangeModels(() => this.changeSoon(false)),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(modelsDir(this.root))), 'models/**'));
    const onFile = () => this.changeSoon(true);
    this.disposables.push(watcher, watcher.onDidCreate(onFile), watcher.onDidChange(onFile), watcher.onDidDelete(onFile));
  }

  get root(): string {
    return this.index.root;
  }

  /** After a write of our own: read it in and tell listeners now. */
  async written(): Promise<void> {
    await this.index.call('syncModels');
    this.changed.fire();
  }

  private changeSoon(sync: boolean): void {
    // Another process (the CLI's gate or alias) may have read the files into the index
    // already, so the worker's own poll finds nothing new: a file event must not be lost.
    this.syncPending ||= sync;
    if (this.timer) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      const sync = this.syncPending;
      this.syncPending = false;
      try {
        if (sync && this.index.isStarted) await this.index.call('syncModels');
      } catch (err) {
        this.log.appendLine(`reading the model registry failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.changed.fire();
    }, COALESCE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
