import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRunFilter } from '../core/query/runFilter';
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
import { PrimaryMetrics } from './primaryMetric';
import { runCommands } from './runCommands';
import { holdsWithin } from './eventWait';
import { CLICK_RUN_COMMAND, RunExplorer, nodeKey, type ExplorerNode, type RunsSource } from './runExplorer';
import { RunManager } from './runManager';
import { SNAPSHOT_SCHEME, SnapshotDocuments } from './snapshotDocuments';
import { startTrackedRun, type StartContext } from './startRunCommand';
import { TeamFeature } from './team/teamFeature';
import { isTeamId } from '../core/team/teamId';
import { RunsStatusBar } from './statusBar';
import { SweepFeature } from './sweeps/sweepFeature';
import { SweepPanels } from './sweeps/sweepPanels';
import { interpreterFor } from './interpreter';

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
  readonly team: TeamFeature;
  readonly primary: PrimaryMetrics;
  readonly sweeps: SweepFeature;
  private readonly sweepPanels: SweepPanels;
  private readonly start: StartContext;
  /** The run started last, revealed again if it moves to its script's experiment (until the user selects another row). */
  private following: string | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.start = {
      runs: this.runs,
      rootFor: () => this.index.root,
      clientPath: path.join(context.extensionPath, 'src', 'python'),
      started: (id, _folder, name) => {
        this.following = id;
        void this.index.ingest(id).then(() => this.revealStarted(id));
        void vscode.window.showInformationMessage(`Run ${name} started`, 'Open Run').then((pick) => pick && this.panels.openRun(id));
      },
      startNotebook: (uri) => this.notebooks.startRun(this.start, uri),
      lastParams: async (script) => {
        for (const r of await this.index.call('listRuns', { limit: 20 })) {
          const run = await this.index.call('getRun', r.id);
          if (run?.script === script) return run.params;
        }
        return undefined;
      },
    };
    const folder = vscode.workspace.workspaceFolders?.[0];
    const root = path.join(folder?.uri.fsPath ?? context.globalStorageUri.fsPath, '.trackside');
    this.index = this.track(new IndexService(root, context.extensionPath, this.log, settings(folder?.uri).sqliteEngine));
    this.primary = this.track(new PrimaryMetrics(context.workspaceState, () => folder?.uri));
    this.sweeps = this.track(
      new SweepFeature({ index: this.index, runs: this.runs, log: this.log, start: this.start, clientPath: this.start.clientPath, openSweep: (id) => this.sweepPanels.openSweep(id), selection: () => this.treeView.selection }),
    );
    this.explorer = this.track(new RunExplorer(this.runsSource(), (err) => this.showListError(err), this.sweeps));
    this.track(this.sweeps.onDidChange((id) => this.explorer.sweepChanged(id)));
    this.treeView = this.track(
      vscode.window.createTreeView('trackside.runs', { treeDataProvider: this.explorer, canSelectMany: true, showCollapseAll: true }),
    );
    // A started run is listed in its launch's experiment until its script names its own: follow it there once.
    this.track(
      this.explorer.onDidMove((ids) => {
        if (!this.following || !ids.includes(this.following)) return;
        this.revealStarted(this.following);
        this.following = undefined;
      }),
    );
    this.track(this.treeView.onDidCollapseElement((e) => this.explorer.folded(e.element)));
    // A row newly selected is the user's choice. A refresh only drops rows from the selection
    // (none selected: the one that moved) or brings back rows selected before.
    let lastSelected = new Set<string>();
    this.track(
      this.treeView.onDidChangeSelection((e) => {
        const keys = e.selection.map(nodeKey);
        const chosen = keys.some((k) => !lastSelected.has(k)) && !e.selection.some((n) => n.kind === 'run' && n.run.id === this.following);
        if (chosen) this.following = undefined;
        if (keys.length) lastSelected = new Set(keys);
      }),
    );
    // Team runs ("team:<id>") are the Team Runs view's, never the local explorer's.
    this.track(this.primary.onDidChange(() => this.explorer.refreshAll()));
    this.track(this.index.onDidChange((e) => (e.all ? this.explorer.refreshAll() : this.explorer.runsChanged(e.ids.filter((id) => !isTeamId(id))))));
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
    this.sweepPanels = this.track(
      new SweepPanels(this.panels.ctx, {
        get: (id) => this.sweeps.get(id),
        onDidChange: this.sweeps.onDidChange,
        python: (s) => interpreterFor(vscode.Uri.file(s.file)),
        clientPath: this.start.clientPath,
      }),
    );
    this.models = this.track(new ModelFeature({ context, index: this.index, log: this.log, openRun: (id) => this.panels.openRun(id) }));
    this.team = this.track(
      new TeamFeature({
        context,
        index: this.index,
        log: this.log,
        folder,
        primary: this.primary,
        panels: this.panels.ctx,
        compareRuns: (ids) => this.panels.compareRuns(ids),
        pickLocalRuns: (title) => this.panels.pickRuns(title, true),
      }),
    );
    // The Models view lists the team's registry too (teammates' pushes reach it as index changes).
    this.models.view.setTeam(this.team.modelSource());
    this.track(this.team.connection.onDidChange(() => this.models.view.refresh()));
    this.track(registerCommands(this.handlers(), this.log));
    this.track(vscode.commands.registerCommand('trackside.internal.loadMore', (exp: string) => this.explorer.loadMore(exp)));
    this.track(vscode.commands.registerCommand(CLICK_RUN_COMMAND, (id: string, name?: string | null) => this.panels.clickRun(id, name)));
    // Runs left running by a window that closed: re-attach or mark crashed, off the activation
    // path; then the sweeps that window scheduled go on here.
    const recovery = setTimeout(
      () =>
        void recoverInterruptedRuns(this)
          .catch((e) => this.log.appendLine(`recovery: ${String(e)}`))
          .then(() => this.sweeps.resumeLeftOver()),
      0,
    );
    this.track({ dispose: () => clearTimeout(recovery) });
  }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  private handlers(): Record<CommandId, Handler> {
    const start = this.start;
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
      // The workspace's README (the sample's says how to start), else Trackside's own.
      [Commands.openReadme]: async () => {
        const own = this.folder && vscode.Uri.joinPath(this.folder.uri, 'README.md');
        const exists = own && (await vscode.workspace.fs.stat(own).then(() => true, () => false));
        await vscode.commands.executeCommand('markdown.showPreview', exists ? own : vscode.Uri.joinPath(this.context.extensionUri, 'README.md'));
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
      ...this.team.handlers(),
      ...this.sweeps.handlers(),
    };
  }

  /** The explorer's reads, answered by the index worker. */
  private runsSource(): RunsSource {
    const primary = () => this.primary.choice();
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

  private revealStarted(id: string): void {
    this.revealRun(id).catch(this.revealFailed(id));
  }

  private revealFailed(id: string): (e: unknown) => void {
    return (e) => this.log.appendLine(`reveal of run ${id}: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Bumped by each reveal: an older one still trying gives way (a started run is revealed again where it moves). */
  private revealTicket = 0;

  async revealRun(id: string): Promise<void> {
    const ticket = ++this.revealTicket;
    // Its row first reaches the tree (a refresh after the reveal would fold its group again).
    this.explorer.runsChanged([id]);
    await this.explorer.afterFlush();
    // The explorer creates run nodes as it lists them: list the run's group first.
    if (!this.explorer.runNode(id)) await this.explorer.listAll();
    const node = this.explorer.runNode(id);
    const why = this.revealFailed(id);
    if (node?.kind !== 'run') return why('not listed');
    // Its group is opened first: a reveal that has to expand a folded group VS Code is still
    // refreshing is dropped, or selects the row inside the folded group. Then it is selected,
    // again if a refresh took that away, unless the user has chosen another row meanwhile.
    const isRun = (n: ExplorerNode) => n.kind === 'run' && n.run.id === id;
    const selected = () => this.treeView.selection.some(isRun);
    const before = new Set(this.treeView.selection.map(nodeKey));
    let chosen = false;
    const sub = this.treeView.onDidChangeSelection((e) => (chosen ||= !e.selection.some(isRun) && e.selection.some((n) => !before.has(nodeKey(n)))));
    const current = () => ticket === this.revealTicket && this.treeView.visible && !chosen;
    try {
      const group = node.run.experiment;
      if (!(await this.explorer.openGroup(group, 5000))) {
        if (current()) why(`its group ${group} was not shown open`);
        return;
      }
      for (let attempt = 0; attempt < 6 && current(); attempt++) {
        await this.treeView.reveal(node, { select: true, focus: false }).then(undefined, why);
        if (await holdsWithin([this.treeView.onDidChangeSelection], selected, 1500)) return;
      }
      if (current()) why(`not selected in ${node.run.experiment} after 6 tries`);
    } finally {
      sub.dispose();
    }
  }

  private async askFilter(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Filter Runs',
      prompt: 'A query, e.g. resnet · status:failed · tag:baseline · params.lr > 0.01 · metrics.val/acc.max >= 0.9 or started > -7d',
      placeHolder: 'Words search names and tags; empty shows every run',
      value: this.explorer.getFilter().query ?? '',
      // An invalid query is refused here with its error, never applied as an empty tree.
      validateInput: (text) => parseRunFilter(text).error,
    });
    if (value !== undefined) this.setFilter(value);
  }

  private filterText = '';
  /** How far a pass reading new run folders is, while one is. */
  private reading: string | undefined;

  private setFilter(text: string): void {
    const filter = parseRunFilter(text);
    if (filter.error) return void vscode.window.showErrorMessage(`Trackside: ${filter.error}`);
    this.explorer.setFilter(filter);
    const active = !!filter.query;
    this.filterText = filter.query ?? '';
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
