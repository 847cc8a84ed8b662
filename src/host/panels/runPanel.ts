// The Run panel of one run: sends the run, answers series requests at the chart's width,
// and while the run is live, the new points and output as the index sees them.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunFromWebview, RunToWebview } from '../../protocol/runPanel';
import { RUN_VIEW_TYPE } from '../../protocol/runPanel';
import { artifactAction } from './artifactActions';
import { codeAction } from './codeActions';
import { LiveCursors } from './liveCursors';
import { OutputTail } from './outputTail';
import { PanelChannel } from './panelChannel';
import { type PanelContext, reportError, setupWebview } from './panelSetup';
import { answerSeries } from './seriesAnswer';

/** While the run is running, its output log is looked at this often. */
const OUTPUT_POLL_MS = 1000;

export class RunPanel implements vscode.Disposable {
  static readonly viewType = RUN_VIEW_TYPE;
  private readonly channel: PanelChannel<RunToWebview, RunFromWebview>;
  private readonly live = new LiveCursors();
  private output: OutputTail;
  private outputTimer: ReturnType<typeof setInterval> | undefined;
  private isDisposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  static create(ctx: PanelContext, runId: string): RunPanel {
    const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, 'Run', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableFindWidget: true });
    return new RunPanel(panel, ctx, runId);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private readonly id: string,
  ) {
    this.output = new OutputTail(ctx.root, id);
    setupWebview(panel, ctx, 'run', 'Trackside Run');
    this.channel = new PanelChannel<RunToWebview, RunFromWebview>(panel, {
      ready: () => void this.sendAll().catch((err) => reportError(ctx, err)),
      message: (m) => this.onMessage(m),
      error: (err) => reportError(ctx, err),
    });
    this.disposables.push(
      this.channel,
      ctx.onDidChange((e) => {
        if (e.all || e.ids.includes(this.id)) void this.refresh().catch((err) => reportError(ctx, err));
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get runId(): string {
    return this.id;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Where the webview finds the blob store (images). */
  private get blobBase(): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(path.join(this.ctx.root, 'blobs'))).toString();
  }

  /** The whole picture for a webview that just said ready. */
  private async sendAll(): Promise<void> {
    this.live.reset();
    this.output.restart();
    await this.sendRun();
    this.sendOutput();
  }

  private async sendRun(): Promise<boolean> {
    const view = await this.ctx.index.call('runView', this.id, this.blobBase);
    if (this.isDisposed) return false;
    if (!view) {
      this.channel.post({ type: 'missing', runId: this.id });
      return false;
    }
    this.panel.title = `Run: ${view.name}`;
    this.channel.post({ type: 'run', run: view });
    this.setRunning(view.status === 'running');
    return true;
  }

  private async refresh(): Promise<void> {
    if (!this.channel.isReady) return;
    if (!(await this.sendRun())) return;
    const update = await this.ctx.index.call('liveUpdate', this.id, this.live.of(this.id));
    if (this.isDisposed) return;
    this.live.advance(this.id, update);
    if (update.append.length) this.channel.post({ type: 'append', points: update.append });
    for (const s of update.series) this.channel.post({ type: 'series', requestId: -1, series: [s] });
    this.sendOutput();
  }

  private setRunning(running: boolean): void {
    if (running && !this.outputTimer) this.outputTimer = setInterval(() => this.sendOutput(), OUTPUT_POLL_MS);
    if (!running && this.outputTimer) {
      clearInterval(this.outputTimer);
      this.outputTimer = undefined;
    }
  }

  private sendOutput(): void {
    if (!this.channel.isReady) return;
    const chunk = this.output.read();
    if (chunk) this.channel.post({ type: 'output', ...chunk });
  }

  private async onMessage(m: RunFromWebview): Promise<void> {
    switch (m.type) {
      case 'requestSeries':
        await answerSeries((reqs) => this.ctx.index.call('series', reqs), this.live, m.requests.filter((r) => r.runId === this.id), {
          series: (series) => this.channel.post({ type: 'series', requestId: m.requestId, series }),
          error: (keys, message) => this.channel.post({ type: 'seriesError', requestId: m.requestId, keys, message }),
        });
        return;
      case 'editTags': {
        const add = m.add.map((t) => t.trim()).filter(Boolean);
        const remove = m.remove.map((t) => t.trim()).filter(Boolean);
        if (add.length || remove.length) await this.edit({ type: 'tags', add, remove });
        return;
      }
      case 'editNote':
        await this.edit({ type: 'note', text: m.text });
        return;
      case 'artifact':
        await artifactAction(this.ctx, this.id, m.action, m.hash, m.file);
        return;
      case 'code':
        await codeAction(this.ctx, this.id, m.action, m.path);
        return;
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
    }
  }

  private async edit(event: { type: 'tags'; add: string[]; remove: string[] } | { type: 'note'; text: string }): Promise<void> {
    await this.ctx.index.call('editRun', this.id, event);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.outputTimer) clearInterval(this.outputTimer);
    this.outputTimer = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}
