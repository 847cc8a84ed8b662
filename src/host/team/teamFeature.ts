// The team index in the editor: "Connect to Team Index…" (the URL into settings, the password
// into secret storage), the Team Runs view (live: the worker's poll names the team runs that
// changed), the Team Runs Table, Push to Team Index (selected runs, or every run the team
// index lacks), and Compare of a team run with local ones. Auto push (trackside.team.autoPush)
// runs in the worker.
import * as vscode from 'vscode';
import { isTeamId } from '../../core/team/teamId';
import { TEAM_TABLE_VIEW_TYPE } from '../../protocol/tablePanel';
import { teamTarget } from '../../core/team/teamConfig';
import { pushSummary } from '../../core/team/teamPushText';
import { Commands } from '../commandIds';
import type { Handler } from '../commandRegistry';
import { settings } from '../config';
import type { IndexService } from '../indexService';
import { tracksideColumn } from '../panels/panelColumn';
import { OpenPanels } from '../panels/panelHost';
import type { PanelContext } from '../panels/panelSetup';
import { TablePanel, type TableSource, teamTableSource } from '../panels/tablePanel';
import type { TeamModelSource } from '../models/modelsView';
import type { PrimaryMetrics } from '../primaryMetric';
import { withJobProgress } from '../jobProgress';
import { runIdsOf } from '../runExplorer';
import { TeamConnection } from './teamConnection';
import { type TeamNode, TeamView } from './teamView';

export interface TeamFeatureHost {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly log: vscode.OutputChannel;
  readonly folder: vscode.WorkspaceFolder | undefined;
  /** Which metric the explorer shows per experiment; the Team view shows the same. */
  readonly primary: PrimaryMetrics;
  /** What a Runs Table panel needs (the team's is this feature's). */
  readonly panels: PanelContext;
  compareRuns(ids: string[]): Promise<void>;
  pickLocalRuns(title: string): Promise<string[]>;
}

type TeamCommand =
  | typeof Commands.connectTeam
  | typeof Commands.pushRuns
  | typeof Commands.filterTeamRuns
  | typeof Commands.clearTeamFilter
  | typeof Commands.refreshTeam
  | typeof Commands.compareWithLocal
  | typeof Commands.openTeamRunsTable;

export class TeamFeature implements vscode.Disposable {
  readonly connection: TeamConnection;
  readonly view: TeamView;
  private readonly treeView: vscode.TreeView<TeamNode>;
  private listError: string | undefined;
  private readonly table: OpenPanels<TablePanel>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly host: TeamFeatureHost) {
    const scope = () => host.folder?.uri;
    this.connection = this.track(new TeamConnection(host.context.secrets, host.index, scope));
    const c = this.connection;
    this.view = this.track(
      new TeamView(
        {
          // Not configured: the view's welcome says how to connect; failed: its message says why.
          groups: async (query) => ((await c.ensure()).state === 'connected' ? c.read(() => host.index.call('teamGroups', query)) : []),
          runs: (experiment, person, offset, limit, query) =>
            c.read(() => host.index.call('teamRuns', experiment, person, offset, limit, host.primary.choice(), query)),
        },
        (err) => {
          this.listError = err === undefined ? undefined : err instanceof Error ? err.message : String(err);
          this.showMessage();
        },
      ),
    );
    this.treeView = this.track(vscode.window.createTreeView('trackside.team', { treeDataProvider: this.view, canSelectMany: true, showCollapseAll: true }));
    this.track(
      c.onDidChange(() => {
        this.view.refresh();
        this.showMessage();
      }),
    );
    this.track(host.primary.onDidChange(() => this.view.refresh()));
    // The worker's poll tells of team runs a teammate pushed (and open panels follow them on their own).
    this.track(host.index.onDidChange((e) => e.ids.some(isTeamId) && this.view.refresh()));
    this.table = this.track(new OpenPanels<TablePanel>(() => '', { viewType: TEAM_TABLE_VIEW_TYPE, panel: (panel) => new TablePanel(panel, host.panels, this.tableSource()) }));
    this.track(vscode.commands.registerCommand('trackside.internal.teamLoadMore', (node: TeamNode & { kind: 'person' }) => this.view.loadMore(node)));
    void vscode.commands.executeCommand('setContext', 'trackside.team.configured', c.configured);
    this.track(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trackside.team')) void vscode.commands.executeCommand('setContext', 'trackside.team.configured', c.configured);
      }),
    );
    // Auto push works without the view open: connect once the window has settled.
    if (c.configured && settings(scope()).teamAutoPush) {
      const timer = setTimeout(() => void c.ensure().catch((e) => host.log.appendLine(`team index: ${String(e)}`)), 0);
      this.track({ dispose: () => clearTimeout(timer) });
    }
  }

  handlers(): Record<TeamCommand, Handler> {
    return {
      [Commands.connectTeam]: () => this.connect(),
      [Commands.pushRuns]: (arg, many) => this.push(runIdsOf(many) ?? runIdsOf(arg)),
      [Commands.filterTeamRuns]: async () => {
        const query = await vscode.window.showInputBox({
          title: 'Filter Team Runs',
          prompt: 'The query language: params.lr > 0.001 and status = finished and name ~ "resnet"',
          value: this.view.filter,
        });
        if (query !== undefined) this.setFilter(query);
      },
      [Commands.clearTeamFilter]: () => this.setFilter(''),
      [Commands.refreshTeam]: () => this.connection.connect(),
      [Commands.openTeamRunsTable]: async () => {
        const status = await this.connection.ensure();
        if (status.state !== 'connected') throw new Error(status.error ?? 'no team index configured: run "Trackside: Connect to Team Index…"');
        const open = this.table.get('');
        if (open) open.reveal();
        else this.table.add(TablePanel.create(this.host.panels, this.tableSource(), tracksideColumn()));
      },
      [Commands.compareWithLocal]: async (arg, many) => {
        const team = (runIdsOf(many) ?? runIdsOf(arg) ?? []).filter(isTeamId);
        if (!team.length) return;
        const local = await this.host.pickLocalRuns('Compare with Local Runs');
        if (local.length) await this.host.compareRuns([...team, ...local]);
      },
    };
  }

  /** Asks for what is missing (URL, blob folder the first time, password), stores it, connects, says how it went. */
  private async connect(): Promise<void> {
    const config = vscode.workspace.getConfiguration('trackside', this.host.folder?.uri);
    let url = settings(this.host.folder?.uri).teamUrl;
    if (!url) {
      const asked = await vscode.window.showInputBox({
        title: 'Connect to Team Index',
        prompt: 'The team index: postgres://USER@HOST:PORT/DATABASE (no password; ?sslmode=require and the like are honoured)',
        placeHolder: 'postgres://alice@db.example.org:5432/team',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            teamTarget(v.trim());
            return undefined;
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        },
      });
      if (!asked) return;
      url = asked.trim();
      if (!settings(this.host.folder?.uri).teamBlobs) {
        const blobs = await vscode.window.showInputBox({
          title: 'Connect to Team Index',
          prompt: "The team's shared folder for run files (a mount every machine sees); leave empty to only read runs",
          ignoreFocusOut: true,
        });
        if (blobs === undefined) return;
        if (blobs.trim()) await config.update('team.blobs', blobs.trim(), vscode.ConfigurationTarget.Workspace);
      }
      await config.update('team.url', url, vscode.ConfigurationTarget.Workspace);
    }
    const target = teamTarget(url).text;
    const password = await vscode.window.showInputBox({
      title: `Password for ${target}`,
      prompt: "Kept in VS Code's secret storage, never in settings. Leave empty to use PGPASSWORD or ~/.pgpass.",
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await this.connection.setPassword(url, password);
    const status = await this.connection.connect();
    if (status.state === 'connected') {
      void vscode.window.showInformationMessage(`Trackside: connected to the team index at ${target} (${status.access === 'write' ? 'push and read' : 'read only'}).`);
      await vscode.commands.executeCommand('trackside.team.focus');
      return;
    }
    const again = await vscode.window.showErrorMessage(`Trackside: ${status.error ?? 'not connected'}`, 'Try Again');
    if (again) await this.connect();
  }

  private async push(ids: string[] | undefined): Promise<void> {
    const status = await this.connection.ensure();
    if (status.state !== 'connected') throw new Error(status.error ?? 'no team index configured: run "Trackside: Connect to Team Index…"');
    const title = ids?.length ? `Trackside: pushing ${ids.length} run(s) to the team index` : 'Trackside: pushing runs to the team index';
    const report = await withJobProgress(title, (job) => this.host.index.job('teamPush', job, ids));
    if (!report) {
      void vscode.window.showInformationMessage('Trackside: push cancelled; what was sent is kept, and the next push sends the rest.');
      return;
    }
    const problems = [...report.skipped.map((s) => s.reason), ...report.models.conflicts];
    for (const p of problems) this.host.log.appendLine(`push: not pushed: ${p}`);
    const text = `Trackside: ${pushSummary(report, status.target ?? 'the team index')}`;
    if (problems.length) void vscode.window.showWarningMessage(`${text} Not pushed: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, see the log)` : ''}`);
    else void vscode.window.showInformationMessage(text);
  }

  /** The team's registry for the Models view: shown while the team index is connected. */
  modelSource(): TeamModelSource {
    const c = this.connection;
    return {
      target: async () => (c.configured && (await c.ensure()).state === 'connected' ? c.current.target : undefined),
      models: () => c.read(() => this.host.index.call('teamModels')),
      versions: (name) => c.read(() => this.host.index.call('teamModelVersions', name)),
    };
  }

  private tableSource(): TableSource {
    return teamTableSource(this.host.index, (fn) => this.connection.read(fn));
  }

  private setFilter(query: string): void {
    this.view.setFilter(query);
    void vscode.commands.executeCommand('setContext', 'trackside.team.filtered', query.trim() !== '');
    this.showMessage();
  }

  private showMessage(): void {
    const status = this.connection.current;
    if (status.state === 'failed') this.treeView.message = status.error;
    else if (this.listError) this.treeView.message = this.listError;
    else if (status.state === 'connected') {
      const filter = this.view.filter ? ` · filter: ${this.view.filter}` : '';
      this.treeView.message = `${status.target}${status.access === 'read' ? ' (read only)' : ''}${filter}`;
    } else this.treeView.message = undefined;
  }

  private track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
