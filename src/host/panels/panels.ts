// The panels of the window: one Run panel per run (a custom editor, so a preview one is
// reused), one Compare panel, one Runs Table; all as tabs of one editor group. Their
// commands, and what brings them back after a reload.
import * as vscode from 'vscode';
import type { ComparePanelState } from '../../protocol/comparePanel';
import { TABLE_VIEW_TYPE } from '../../protocol/tablePanel';
import { Commands } from '../commandIds';
import type { Handler } from '../commandRegistry';
import type { IndexService } from '../indexService';
import { runIdsOf } from '../runExplorer';
import { ComparePanel } from './comparePanel';
import { tracksideColumn } from './panelColumn';
import { OpenPanels } from './panelHost';
import type { PanelContext } from './panelSetup';
import { type RunOpenOptions, openRunEditor, registerRunEditor, runUri } from './runEditor';
import { RunPanel } from './runPanel';
import { TablePanel, localTableSource } from './tablePanel';

export interface PanelsHost {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly log: vscode.OutputChannel;
  readonly folder: vscode.WorkspaceFolder | undefined;
}

/** Two clicks this close together on one run are a double-click (the usual system default). */
const DOUBLE_CLICK_MS = 500;

type PanelCommand = typeof Commands.openRun | typeof Commands.compareRuns | typeof Commands.openRunsTable;

export class Panels implements vscode.Disposable {
  private readonly runPanels = new OpenPanels<RunPanel>((p) => p.runId);
  /** One Compare panel and one Runs Table at most. */
  private readonly compare: OpenPanels<ComparePanel>;
  private readonly table: OpenPanels<TablePanel>;
  private readonly disposables: vscode.Disposable[] = [];
  readonly ctx: PanelContext;

  constructor(private readonly host: PanelsHost) {
    const index = host.index;
    this.ctx = {
      extensionUri: host.context.extensionUri,
      root: index.root,
      index,
      onDidChange: index.onDidChange,
      folder: () => host.folder,
      log: host.log,
      openRun: (id) => this.openRun(id),
      pinRun: (id) => this.pinRun(id),
      compareRuns: (ids) => this.compareRuns(ids),
    };
    this.compare = new OpenPanels<ComparePanel>(() => '', {
      viewType: ComparePanel.viewType,
      panel: (panel, state) => {
        const ids = (state as ComparePanelState | undefined)?.runIds;
        return ids?.length ? new ComparePanel(panel, this.ctx, ids) : undefined;
      },
    });
    this.table = new OpenPanels<TablePanel>(() => '', { viewType: TABLE_VIEW_TYPE, panel: (panel) => new TablePanel(panel, this.ctx, localTableSource(this.ctx.index)) });
    this.disposables.push(
      this.runPanels,
      this.compare,
      this.table,
      registerRunEditor((panel, id, uri) => this.runPanels.add(new RunPanel(panel, this.ctx, id, uri))),
    );
  }

  commands(): Record<PanelCommand, Handler> {
    return {
      [Commands.openRun]: async (arg) => {
        const [id] = runIdsOf(arg) ?? (await this.pickRuns('Open Run', false));
        if (id) await this.openRun(id);
      },
      [Commands.compareRuns]: async (arg, many) => {
        let ids = runIdsOf(many) ?? runIdsOf(arg) ?? [];
        if (ids.length < 2) ids = [...new Set([...ids, ...(await this.pickRuns('Compare Runs', true, ids))])];
        if (ids.length < 2) {
          if (ids.length) void vscode.window.showInformationMessage('Trackside: pick at least two runs to compare.');
          return;
        }
        await this.compareRuns(ids);
      },
      [Commands.openRunsTable]: () => this.openTable(),
    };
  }

  /** Opens a run's panel (pinned unless `preview`), where it is or in Trackside's group. */
  async openRun(id: string, o: RunOpenOptions = {}, name?: string | null): Promise<void> {
    const open = this.runPanels.get(id);
    if (open) return void (await openRunEditor(open.uri, open.panel.viewColumn ?? tracksideColumn(), o));
    const uri = runUri(id, name ?? (await this.host.index.call('getRun', id))?.name);
    await openRunEditor(uri, tracksideColumn(), o);
  }

  private lastClick: { id: string; at: number } | undefined;

  /**
   * A click on a run in the explorer: its preview panel. A tree item runs its command on every
   * click, so a second click on the same run right after the first is the double-click that pins.
   */
  async clickRun(id: string, name?: string | null): Promise<void> {
    const now = Date.now();
    const double = this.lastClick?.id === id && now - this.lastClick.at < DOUBLE_CLICK_MS;
    this.lastClick = double ? undefined : { id, at: now };
    await this.openRun(id, double ? {} : { preview: true, preserveFocus: true }, name);
  }

  /** The run of the Run panel in front, if one is. */
  activeRunId(): string | undefined {
    return this.runPanels.values().find((p) => p.panel.active)?.runId;
  }

  /** Keeps a preview Run panel open (the user edited in it). */
  async pinRun(id: string): Promise<void> {
    if (this.runPanels.get(id)) await this.openRun(id, { preserveFocus: true });
  }

  async compareRuns(ids: string[]): Promise<void> {
    const open = this.compare.get('');
    if (open) open.setRuns(ids);
    else this.compare.add(ComparePanel.create(this.ctx, ids, tracksideColumn()));
  }

  openTable(): void {
    const open = this.table.get('');
    if (open) open.reveal();
    else this.table.add(TablePanel.create(this.ctx, localTableSource(this.ctx.index), tracksideColumn()));
  }

  async pickRuns(title: string, many: boolean, preselected: string[] = []): Promise<string[]> {
    const runs = await this.host.index.call('listRuns', { limit: 1000 });
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trackside: there are no runs yet.');
      return [];
    }
    const items = runs.map((r) => ({
      label: r.name ?? r.id,
      description: [r.status, r.experiment].filter(Boolean).join(' · '),
      detail: r.id,
      id: r.id,
      picked: preselected.includes(r.id),
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true, matchOnDescription: true, matchOnDetail: true, placeHolder: 'Pick two or more runs' });
      return picked?.map((p) => p.id) ?? [];
    }
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
    return picked ? [picked.id] : [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

