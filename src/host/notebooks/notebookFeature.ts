import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Handler } from '../commandRegistry';
import type { IndexService } from '../indexService';
import type { StartContext } from '../startRunCommand';
import { BLOB_DOCUMENT_SCHEME, BlobDocuments } from './blobDocuments';
import { checkpointCommands, type CheckpointCommandId } from './checkpointCommands';
import { CheckpointService } from './checkpointService';
import { CheckpointTree, type CheckpointNode } from './checkpointTree';
import { startNotebookRun } from './notebookRun';

/** Notebook checkpoints (store, view, read-only documents) and tracked notebook runs. */
export class NotebookFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly service: CheckpointService;
  readonly tree: CheckpointTree;
  readonly view: vscode.TreeView<CheckpointNode>;

  constructor(
    private readonly index: IndexService,
    log: vscode.OutputChannel,
  ) {
    const root = (): string => index.root;
    this.service = this.track(new CheckpointService(root, log));
    this.tree = this.track(new CheckpointTree(this.service, (id) => this.runName(id)));
    this.view = this.track(vscode.window.createTreeView('trackside.checkpoints', { treeDataProvider: this.tree, canSelectMany: true }));
    const blobs = this.track(new BlobDocuments(root));
    this.track(vscode.workspace.registerFileSystemProvider(BLOB_DOCUMENT_SCHEME, blobs, { isReadonly: true, isCaseSensitive: true }));
    this.track(this.tree.onDidChangeNotebook(() => this.describe()));
    this.describe();
  }

  handlers(): Record<CheckpointCommandId, Handler> {
    return checkpointCommands(this);
  }

  startRun(ctx: StartContext, uri: vscode.Uri): Promise<string | undefined> {
    return startNotebookRun(ctx, this.service, uri);
  }

  private describe(): void {
    const doc = this.tree.notebook;
    this.view.description = doc ? path.basename(doc.uri.fsPath) : undefined;
    void vscode.commands.executeCommand('setContext', 'trackside.checkpoints.hasNotebook', !!doc);
  }

  /** A run's current name, once the index is open (the view never opens it just for names). */
  private async runName(id: string): Promise<string | undefined> {
    if (!this.index.isStarted) return undefined;
    try {
      return await this.index.call('runName', id);
    } catch {
      return undefined;
    }
  }

  private track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
