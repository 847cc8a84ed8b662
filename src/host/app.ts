import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFilter, parseRunFilter } from '../core/display';
import { Commands, type CommandId } from './commandIds';
import { registerCommands, type Handler } from './commandRegistry';
import { importExportCommands } from './importExport';
import { IndexRunsSource } from './indexRunsSource';
import { IndexService } from './indexService';
import { ModelFeature } from './models/modelFeature';
import { NotebookFeature } from './notebooks/notebookFeature';
import { Panels } from './panels/panels';
import { recoverInterruptedRuns } from './recovery';
import { runCommands } from './runCommands';
import { RunExplorer, type ExplorerNode } from './runExplorer';
import { RunManager } from './runManager';
import { SNAPSHOT_SCHEME, SnapshotDocuments } from './snapshotDocuments';
import { startTrackedRun, type StartContext } from './startRunCommand';
import { RunsStatusBar } from './statusBar';

/**
 * The one object activate() builds: owns every disposable. Nothing here touches the index
 * until a view or command needs it, so activation stays cheap with any number of runs.
 */
export class App implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log = this.track(vscode.window.createOutputChannel('Trackside'));
  readonly index: IndexService;
  readonly runs = this.track(new RunManager());
  readonly explorer: RunExplorer;
  readonly treeView: vscode.TreeView<ExplorerNode>;
  private readonly statusBar = this.track(new RunsStatusBar());
  readonly notebooks: NotebookFeature;
  readonly panels: Panels;
  readonly models: ModelFeature;

  constructor(readonly context: vscode.ExtensionContext) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    this.index = this.track(new IndexService(path.join(folder?.uri.fsPath ?? context.globalStorageUri.fsPath, '.trackside'), this.log));
    this.explorer = this.track(new RunExplorer(() => new IndexRunsSource(this.index.get(), folder?.uri)));
    this.treeView = this.track(
      vscode.window.createTreeView('trackside.runs', { treeDataProvider: this.explorer, canSelectMany: true, showCollapseAll: true }),
    );
    this.track(this.index.onDidChange((e) => (e.all ? this.explorer.refreshAll() : this.explorer.runsChanged(e.ids))));
    this.track(
      this.runs.onDidChange((id) => {
        this.statusBar.update(this.runs.names());
        this.index.ingest(id);
      }),
    );
    this.track(vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotDocuments(() => this.index.root)));
    this.notebooks = this.track(new NotebookFeature(this.index, this.log));
    this.panels = this.track(new Panels(this));
    this.models = this.track(new ModelFeature({ context, index: this.index, log: this.log, openRun: (id) => this.panels.openRun(id) }));
    this.track(registerCommands(this.handlers(), this.log));
    this.track(vscode.commands.registerCommand('trackside.internal.loadMore', (exp: string) => this.explorer.loadMore(exp)));
    // Runs left running by a window that closed: re-attach or mark crashed, off the activation path.
    const recovery = setTimeout(() => void recoverInterruptedRuns(this).catch((e) => this.log.appendLine(`recovery: ${String(e)}`)), 0);
    this.track({ dispose: () => clearTimeout(recovery) });
  }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  private handlers(): Record<CommandId, Handler> {
    const start: StartContext = {
      runs: this.runs,
      rootFor: () => this.index.root,
      clientPath: path.join(this.context.extensionPath, 'src', 'python'),
      started: (id: string) => {
        this.index.ingest(id);
        void this.revealRun(id);
      },
      startNotebook: (uri) => this.notebooks.startRun(start, uri),
    };
    return {
      [Commands.startRun]: (arg) => startTrackedRun(start, arg, false),
      [Commands.startRunWithParams]: (arg) => startTrackedRun(start, arg, true),
      ...runCommands(this, start),
      [Commands.filterRuns]: () => this.askFilter(),
      [Commands.clearFilter]: () => this.setFilter(''),
      [Commands.refresh]: () => {
        this.index.ingest();
        this.explorer.refreshAll();
      },
      [Commands.rebuildIndex]: () => this.rebuildIndex(),
      // The status bar's click: the explorer, and the run's panel when one run is active.
      [Commands.showRuns]: async () => {
        await vscode.commands.executeCommand('workbench.view.extension.trackside');
        const active = this.runs.activeIds();
        if (active.length === 1) await this.panels.openRun(active[0]);
      },
      ...this.notebooks.handlers(),
      ...this.panels.commands(),
      ...this.models.handlers(),
      ...importExportCommands(this),
    };
  }

  async revealRun(id: string): Promise<void> {
    // The explorer creates run nodes as it lists them: list the run's group first.
    for (let i = 0; i < 2 && !this.explorer.runNode(id); i++) {
      for (const g of this.explorer.getChildren()) this.explorer.getChildren(g);
    }
    const node = this.explorer.runNode(id);
    if (node && this.treeView.visible) await this.treeView.reveal(node, { select: true, focus: false, expand: true });
  }

  private async askFilter(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Filter Runs',
      prompt: 'Free text, status:failed, tag:baseline (combine them with spaces)',
      value: describeFilter(this.explorer.getFilter()),
    });
    if (value !== undefined) this.setFilter(value);
  }

  private setFilter(text: string): void {
    const filter = parseRunFilter(text);
    this.explorer.setFilter(filter);
    const active = text.trim() !== '';
    this.treeView.message = active ? `Filter: ${describeFilter(filter)}` : undefined;
    void vscode.commands.executeCommand('setContext', 'trackside.filtered', active);
  }

  private async rebuildIndex(): Promise<void> {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Trackside: rebuilding the index from the run folders…' },
      async () => this.index.rebuild(),
    );
    void vscode.window.showInformationMessage(
      `Trackside: index rebuilt from ${report.runsSeen} run folder${report.runsSeen === 1 ? '' : 's'}${report.badTotal ? `; ${report.badTotal} malformed line(s) skipped` : ''}.`,
    );
  }

  private track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) {
      try {
        d.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
