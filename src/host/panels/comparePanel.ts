// The Compare panel: two or more runs side by side. Sends every run's view (params, summaries,
// images, datasets, code files), answers series requests for any of them, and keeps the
// running ones live.
import * as vscode from 'vscode';
import type { CompareFromWebview, CompareToWebview } from '../../protocol/comparePanel';
import { COMPARE_VIEW_TYPE } from '../../protocol/comparePanel';
import type { RunView } from '../../protocol/runView';
import { snapshotUri } from '../snapshotDocuments';
import { LiveCursors } from './liveCursors';
import { PanelHost, createPanel } from './panelHost';
import { type PanelContext, blobFolder } from './panelSetup';
import { answerSeries } from './seriesAnswer';

export class ComparePanel extends PanelHost<CompareToWebview, CompareFromWebview> {
  static readonly viewType = COMPARE_VIEW_TYPE;
  private readonly live = new LiveCursors();

  static create(ctx: PanelContext, runIds: string[], column: vscode.ViewColumn): ComparePanel {
    return new ComparePanel(createPanel(COMPARE_VIEW_TYPE, 'Compare Runs', column), ctx, runIds);
  }

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private ids: string[],
  ) {
    super(panel, ctx, { script: 'compare', title: 'Trackside Compare', resourceRoots: [blobFolder(ctx)] });
    this.disposables.push(
      ctx.onDidChange((e) => {
        const touched = e.all ? this.ids : this.ids.filter((id) => e.ids.includes(id));
        if (touched.length) this.start(() => this.refresh(touched));
      }),
    );
  }

  protected onReady(): void {
    this.live.reset();
    this.start(() => this.sendRuns());
  }

  get runIds(): readonly string[] {
    return this.ids;
  }

  /** Shows these runs instead (the webview keeps colors by position). */
  setRuns(ids: string[]): void {
    this.ids = [...new Set(ids)];
    this.start(() => this.sendRuns());
    this.reveal();
  }

  private async sendRuns(): Promise<void> {
    const blobBase = this.panel.webview.asWebviewUri(blobFolder(this.ctx)).toString();
    const ids = this.ids;
    const views = await Promise.all(ids.map((id) => this.ctx.index.call('runView', id, blobBase)));
    if (this.isDisposed) return;
    const runs: RunView[] = [];
    const missing: string[] = [];
    views.forEach((v, i) => (v ? runs.push(v) : missing.push(ids[i])));
    this.panel.title = `Compare ${runs.length} Runs`;
    this.channel.post({ type: 'runs', runs, missing });
  }

  private async refresh(ids: string[]): Promise<void> {
    if (!this.channel.isReady) return;
    await this.sendRuns();
    for (const id of ids) {
      const update = await this.ctx.index.call('liveUpdate', id, this.live.of(id));
      if (this.isDisposed) return;
      this.live.advance(id, update);
      if (update.append.length) this.channel.post({ type: 'append', points: update.append });
      for (const s of update.series) this.channel.post({ type: 'series', requestId: -1, series: [s] });
    }
  }

  protected async onMessage(m: CompareFromWebview): Promise<void> {
    switch (m.type) {
      case 'requestSeries':
        await answerSeries((reqs) => this.ctx.index.call('series', reqs), this.live, m.requests.filter((r) => this.ids.includes(r.runId)), {
          series: (series) => this.channel.post({ type: 'series', requestId: m.requestId, series }),
          error: (keys, message) => this.channel.post({ type: 'seriesError', requestId: m.requestId, keys, message }),
        });
        return;
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
      case 'removeRun':
        this.setRuns(this.ids.filter((id) => id !== m.runId));
        return;
      case 'diffCode': {
        const [left, right] = await Promise.all([this.ctx.index.call('getRun', m.left), this.ctx.index.call('getRun', m.right)]);
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
}
