import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFilter, parseRunFilter } from '../core/display';
import { Commands, type CommandId } from './commandIds';
import { settings } from './config';
import { registerCommands, type Handler } from './commandRegistry';
import { importExportCommands } from './importExport';
import { IndexService } from './indexService';
import { withJobProgress } from './jobProgress';
import { ModelFeature } from './models/modelFeature';
import { NotebookFeature } from './notebooks/notebookFeature';
import { Panels } from './panels/panels';
import { recoverInterruptedRuns } from './recovery';
import { runCommands } from './runCommands';
import { RunExplorer, type ExplorerNode, type RunsSource } from './runExplorer';
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
    const root = path.join(folder?.uri.fsPath ?? context.globalStorageUri.fsPath, '.trackside');
    this.index = this.track(new IndexService(root, context.extensionPath, this.log, settings(folder?.uri).sqliteEngine));
    this.explorer = this.track(new RunExplorer(this.runsSource(folder?.uri), (err) => this.showListError(err)));
    this.treeView = this.track(
      vscode.window.createTreeView('trackside.runs', { treeDataProvider: this.explorer, canSelectMany: true, showCollapseAll: true }),
    );
    this.track(this.index.onDidChange((e) => (e.all ? this.explorer.refreshAll() : this.explorer.runsChanged(e.ids))));
    this.track(
      this.index.onDidChangeStatus((s) => {
        // The Runs view's welcome says why (its text picks the reason); the log has the details.
        void vscode.commands.executeCommand('setContext', 'trackside.indexFailed', s.state === 'failed' ? s.reason : false);
        if (s.state === 'failed') this.explorer.refreshAll();
        this.showListError(undefined);
      }),
    );
    this.track(
      this.index.onDidChangeReading((p) => {
        this.reading = p?.message;
        void vscode.commands.executeCommand('setContext', 'trackside.reading', p !== undefined);
        this.showListError(undefined);
      }),
    );
    this.track(
      this.runs.onDidChange((id) => {
        this.statusBar.update(this.runs.names());
        void this.index.ingest(id);
      }),
    );
    this.track(
      vscode.workspace.onDidChangeConfiguration(async (e) => {
        if (!e.affectsConfiguration('trackside.sqliteEngine')) return;
        const pick = await vscode.window.showInformationMessage('Trackside: the SQLite engine setting takes effect after a window reload.', 'Reload Window');
        if (pick) await vscode.commands.executeCommand('workbench.action.reloadWindow');
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
        void this.index.ingest(id).then(() => this.revealRun(id));
      },
      startNotebook: (uri) => this.notebooks.startRun(start, uri),
    };
    return {
      [Commands.startRun]: (arg) => startTrackedRun(start, arg, false),
      [Commands.startRunWithParams]: (arg) => startTrackedRun(start, arg, true),
      ...runCommands(this, start),
      [Commands.filterRuns]: () => this.askFilter(),
      [Commands.clearFilter]: () => this.setFilter(''),
      [Commands.refresh]: async () => {
        await this.index.ingest();
        this.explorer.refreshAll();
      },
      [Commands.showLog]: () => this.log.show(),
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

  /** The explorer's reads, answered by the index worker. */
  private runsSource(scope: vscode.Uri | undefined): RunsSource {
    const primary = () => settings(scope).primaryMetric;
    return {
      groups: (filter) => (this.index.status.state === 'failed' ? Promise.resolve([]) : this.index.call('explorerGroups', filter)),
      runs: (experiment, filter, offset, limit) => this.index.call('explorerRuns', experiment, filter, offset, limit, primary()),
      run: (id, filter) => this.index.call('explorerRun', id, filter, primary()),
      children: (parent) => this.index.call('explorerChildren', parent, primary()),
      details: (id) => this.index.call('runDetails', id),
    };
  }

  /** The explorer's message line: why the index cannot be read, why a listing failed, or the filter. */
  private showListError(err: unknown): void {
    const status = this.index.status;
    if (status.state === 'failed') this.treeView.message = undefined;
    else if (err) this.treeView.message = `${err instanceof Error ? err.message : String(err)}`;
    else if (this.reading) this.treeView.message = `Reading run folders: ${this.reading}…`;
    else this.treeView.message = this.filterText ? `Filter: ${this.filterText}` : undefined;
  }

  async revealRun(id: string): Promise<void> {
    // The explorer creates run nodes as it lists them: list the run's group first.
    for (let i = 0; i < 2 && !this.explorer.runNode(id); i++) {
      for (const g of await this.explorer.getChildren()) await this.explorer.getChildren(g);
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

  private filterText = '';
  /** How far a pass reading new run folders is, while one is. */
  private reading: string | undefined;

  private setFilter(text: string): void {
    const filter = parseRunFilter(text);
    this.explorer.setFilter(filter);
    const active = text.trim() !== '';
    this.filterText = active ? describeFilter(filter) : '';
    this.showListError(undefined);
    void vscode.commands.executeCommand('setContext', 'trackside.filtered', active);
  }

  private async rebuildIndex(): Promise<void> {
    const result = await withJobProgress('Trackside: rebuilding the index from the run folders', (job) => this.index.job('rebuild', job));
    this.explorer.refreshAll();
    if (!result) {
      void vscode.window.showInformationMessage('Trackside: rebuild cancelled; the runs read so far are listed, the rest are read in the background.');
      return;
    }
    void vscode.window.showInformationMessage(
      `Trackside: index rebuilt from the run folders${result.badTotal ? `; ${result.badTotal} malformed line(s) skipped` : ''}.`,
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
