// The panels of the window: one Run panel per run, one Compare panel, one Runs Table; their
// commands, and the serializers that bring them back after a reload.
import * as vscode from 'vscode';
import type { ComparePanelState } from '../../protocol/comparePanel';
import type { RunPanelState } from '../../protocol/runPanel';
import { Commands } from '../commandIds';
import type { Handler } from '../commandRegistry';
import type { IndexService } from '../indexService';
import { runIdsOf } from '../runExplorer';
import { ComparePanel } from './comparePanel';
import type { PanelContext } from './panelSetup';
import { RunPanel } from './runPanel';
import { TablePanel } from './tablePanel';

export interface PanelsHost {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly log: vscode.OutputChannel;
  readonly folder: vscode.WorkspaceFolder | undefined;
}

type PanelCommand = typeof Commands.openRun | typeof Commands.compareRuns | typeof Commands.openRunsTable;

export class Panels implements vscode.Disposable {
  private readonly runPanels = new Map<string, RunPanel>();
  private compare: ComparePanel | undefined;
  private table: TablePanel | undefined;
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
      compareRuns: (ids) => this.compareRuns(ids),
    };
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(RunPanel.viewType, {
        deserializeWebviewPanel: async (panel, state: RunPanelState | undefined) => {
          if (!state?.runId) return panel.dispose();
          this.track(new RunPanel(panel, this.ctx, state.runId));
        },
      }),
      vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, {
        deserializeWebviewPanel: async (panel, state: ComparePanelState | undefined) => {
          if (!state?.runIds?.length) return panel.dispose();
          this.trackCompare(new ComparePanel(panel, this.ctx, state.runIds));
        },
      }),
      vscode.window.registerWebviewPanelSerializer(TablePanel.viewType, {
        deserializeWebviewPanel: async (panel) => this.trackTable(new TablePanel(panel, this.ctx)),
      }),
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

  async openRun(id: string): Promise<void> {
    const open = this.runPanels.get(id);
    if (open) return open.reveal();
    this.track(RunPanel.create(this.ctx, id));
  }

  async compareRuns(ids: string[]): Promise<void> {
    if (this.compare) this.compare.setRuns(ids);
    else this.trackCompare(ComparePanel.create(this.ctx, ids));
  }

  openTable(): void {
    if (this.table) this.table.reveal();
    else this.trackTable(TablePanel.create(this.ctx));
  }

  private track(p: RunPanel): void {
    this.runPanels.get(p.runId)?.dispose();
    this.runPanels.set(p.runId, p);
    p.onDidDispose(() => {
      if (this.runPanels.get(p.runId) === p) this.runPanels.delete(p.runId);
    });
  }

  private trackCompare(p: ComparePanel): void {
    this.compare?.dispose();
    this.compare = p;
    p.onDidDispose(() => {
      if (this.compare === p) this.compare = undefined;
    });
  }

  private trackTable(p: TablePanel): void {
    this.table?.dispose();
    this.table = p;
    p.onDidDispose(() => {
      if (this.table === p) this.table = undefined;
    });
  }

  private async pickRuns(title: string, many: boolean, preselected: string[] = []): Promise<string[]> {
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
    for (const p of [...this.runPanels.values()]) p.dispose();
    this.compare?.dispose();
    this.table?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

