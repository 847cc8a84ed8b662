// The Run panel of one run: sends the run, answers series requests at the chart's width,
// and while the run is live, the new points and output as the index sees them.
import * as vscode from 'vscode';
import type { RunFromWebview, RunToWebview } from '../../protocol/runPanel';
import { artifactAction } from './artifactActions';
import { codeAction } from './codeActions';
import { LiveCursors } from './liveCursors';
import { OutputTail } from '../../core/outputTail';
import { PanelHost } from './panelHost';
import { type PanelContext, blobFolder } from './panelSetup';
import { answerSeries } from './seriesAnswer';

/** While the run is running, its output log is looked at this often. */
const OUTPUT_POLL_MS = 1000;

export class RunPanel extends PanelHost<RunToWebview, RunFromWebview> {
  private readonly live = new LiveCursors();
  private readonly output: OutputTail;
  private outputTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private readonly id: string,
    /** The panel's `trackside-run:` address (see runEditor). */
    readonly uri: vscode.Uri,
  ) {
    super(panel, ctx, { script: 'run', title: 'Trackside Run', resourceRoots: [blobFolder(ctx)] });
    this.output = new OutputTail(ctx.root, id);
    this.disposables.push(
      ctx.onDidChange((e) => {
        if (e.all || e.ids.includes(this.id)) this.start(() => this.refresh());
      }),
    );
  }

  get runId(): string {
    return this.id;
  }

  protected onReady(): void {
    this.start(() => this.sendAll());
  }

  /** Where the webview finds the blob store (images). */
  private get blobBase(): string {
    return this.panel.webview.asWebviewUri(blobFolder(this.ctx)).toString();
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

  protected async onMessage(m: RunFromWebview): Promise<void> {
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
        if (add.length || remove.length) await this.edit(() => this.ctx.index.call('tagRun', this.id, add, remove));
        return;
      }
      case 'editNote':
        await this.edit(() => this.ctx.index.call('setNote', this.id, m.text));
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
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Trackside: command copied', 3000);
        return;
    }
  }

  private async edit(apply: () => Promise<void>): Promise<void> {
    // Like a preview editor that is typed in, a preview Run panel edited in stays open.
    void this.ctx.pinRun(this.id);
    await apply();
  }

  protected override onDispose(): void {
    if (this.outputTimer) clearInterval(this.outputTimer);
    this.outputTimer = undefined;
  }
}
