// The Runs Table: every run once, by column; then only the rows of runs that changed, at
// most once a second. Sorting and filtering happen in the webview on data it already holds.
import * as vscode from 'vscode';
import type { TableFromWebview, TableToWebview } from '../../protocol/tablePanel';
import { TABLE_VIEW_TYPE } from '../../protocol/tablePanel';
import { PanelChannel } from './panelChannel';
import { type PanelContext, reportError, setupWebview } from './panelSetup';

const UPDATE_MS = 1000;
/** With more runs than this, the newest page is sent first and every run right after. */
const FIRST_PAGE = 200;

export class TablePanel implements vscode.Disposable {
  static readonly viewType = TABLE_VIEW_TYPE;
  private readonly channel: PanelChannel<TableToWebview, TableFromWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private isDisposed = false;
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = 0;

  static create(ctx: PanelContext): TablePanel {
    const panel = vscode.window.createWebviewPanel(TABLE_VIEW_TYPE, 'Runs Table', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableFindWidget: true });
    return new TablePanel(panel, ctx);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
  ) {
    setupWebview(panel, ctx, 'table', 'Trackside Runs Table');
    panel.title = 'Runs Table';
    this.channel = new PanelChannel<TableToWebview, TableFromWebview>(panel, {
      ready: () => {
        this.pending.clear();
        this.pendingAll = false;
        void this.sendAll().catch((err) => reportError(ctx, err));
      },
      message: (m) => this.onMessage(m),
      error: (err) => reportError(ctx, err),
    });
    this.disposables.push(
      this.channel,
      ctx.onDidChange((e) => {
        if (e.all) this.pendingAll = true;
        for (const id of e.ids) this.pending.add(id);
        this.schedule();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async sendAll(): Promise<void> {
    this.lastSent = Date.now();
    const first = await this.ctx.index.call('tableRows', undefined, FIRST_PAGE);
    if (this.isDisposed) return;
    if (first.ids.length < FIRST_PAGE) {
      this.channel.post({ type: 'rows', data: first, complete: true });
      return;
    }
    // Every run, read by the worker while the first page is on its way.
    const all = this.ctx.index.call('tableRows');
    await this.channel.postAndWait({ type: 'rows', data: first, complete: false });
    const data = await all;
    if (this.isDisposed || !this.channel.isReady) return;
    this.channel.post({ type: 'rows', data, complete: true });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush().catch((err) => reportError(this.ctx, err)), Math.max(0, this.lastSent + UPDATE_MS - Date.now()));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (!this.channel.isReady) return; // the next ready sends everything
    this.lastSent = Date.now();
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      const data = await this.ctx.index.call('tableRows');
      if (!this.isDisposed) this.channel.post({ type: 'rows', data, complete: true });
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length === 0) return;
    const data = await this.ctx.index.call('tableRows', ids);
    if (this.isDisposed) return;
    const present = new Set(data.ids);
    this.channel.post({ type: 'rowsChanged', data, removed: ids.filter((id) => !present.has(id)) });
  }

  private async onMessage(m: TableFromWebview): Promise<void> {
    switch (m.type) {
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
      case 'compare':
        await this.ctx.compareRuns(m.runIds);
        return;
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}
