// The Compare panel: two or more runs side by side. Sends every run's view (params, summaries,
// images, datasets, code files), answers series requests for any of them, and keeps the
// running ones live.
import * as vscode from 'vscode';
import { blobPath } from '../../core/blobs';
import { getRun } from '../../core/runQueries';
import type { CompareFromWebview, CompareToWebview } from '../../protocol/comparePanel';
import { COMPARE_VIEW_TYPE } from '../../protocol/comparePanel';
import type { RunView } from '../../protocol/runView';
import { snapshotUri } from '../snapshotDocuments';
import { LiveSeries } from './liveSeries';
import { PanelChannel } from './panelChannel';
import { type PanelContext, reportError, setupWebview } from './panelSetup';
import { runView } from './runViewData';
import { answerSeries } from './seriesAnswer';

export class ComparePanel implements vscode.Disposable {
  static readonly viewType = COMPARE_VIEW_TYPE;
  private readonly channel: PanelChannel<CompareToWebview, CompareFromWebview>;
  private readonly live = new LiveSeries();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private isDisposed = false;

  static create(ctx: PanelContext, runIds: string[]): ComparePanel {
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare Runs', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableFindWidget: true });
    return new ComparePanel(panel, ctx, runIds);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private ids: string[],
  ) {
    setupWebview(panel, ctx, 'compare', 'Trackside Compare');
    this.channel = new PanelChannel<CompareToWebview, CompareFromWebview>(panel, {
      ready: () => {
        this.live.reset();
        this.sendRuns();
      },
      message: (m) => this.onMessage(m),
      error: (err) => reportError(ctx, err),
    });
    this.disposables.push(
      this.channel,
      ctx.onDidChange((e) => {
        const touched = e.all ? this.ids : this.ids.filter((id) => e.ids.includes(id));
        if (touched.length) this.refresh(touched);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get runIds(): readonly string[] {
    return this.ids;
  }

  /** Shows these runs instead (the webview keeps colors by position). */
  setRuns(ids: string[]): void {
    this.ids = [...new Set(ids)];
    this.sendRuns();
    this.panel.reveal(undefined, false);
  }

  private blobSrc = (hash: string): string => this.panel.webview.asWebviewUri(vscode.Uri.file(blobPath(this.ctx.root, hash))).toString();

  private sendRuns(): void {
    const store = this.ctx.store();
    const runs: RunView[] = [];
    const missing: string[] = [];
    for (const id of this.ids) {
      const v = runView(store, id, this.blobSrc);
      if (v) runs.push(v);
      else missing.push(id);
    }
    this.panel.title = `Compare ${runs.length} Runs`;
    this.channel.post({ type: 'runs', runs, missing });
  }

  private refresh(ids: string[]): void {
    if (!this.channel.isReady) return;
    this.sendRuns();
    const store = this.ctx.store();
    for (const id of ids) {
      const update = this.live.update(store, id);
      if (update.append.length) this.channel.post({ type: 'append', points: update.append });
      for (const s of update.series) this.channel.post({ type: 'series', requestId: -1, series: [s] });
    }
  }

  private async onMessage(m: CompareFromWebview): Promise<void> {
    switch (m.type) {
      case 'requestSeries':
        await answerSeries(
          this.ctx.store,
          this.live,
          m.requests.filter((r) => this.ids.includes(r.runId)),
          (series) => this.channel.post({ type: 'series', requestId: m.requestId, series }),
        );
        return;
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
      case 'removeRun':
        this.setRuns(this.ids.filter((id) => id !== m.runId));
        return;
      case 'diffCode': {
        const store = this.ctx.store();
        const left = getRun(store, m.left);
        const right = getRun(store, m.right);
        const l = left?.code.find((f) => f.path === m.path);
        const r = right?.code.find((f) => f.path === m.path);
        if (!left || !right || !l || !r) throw new Error(`${m.path} is not in both runs' code snapshots.`);
        await vscode.commands.executeCommand(
          'vscode.diff',
          snapshotUri(left.id, l.path, l.hash),
          snapshotUri(right.id, r.path, r.hash),
          `${m.path} (${left.name ?? left.id} ↔ ${right.name ?? right.id})`,
          { viewColumn: vscode.ViewColumn.One },
        );
        return;
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}
