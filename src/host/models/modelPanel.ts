// The Model panel of one model version: the report (evaluations, degradations, drift) sent
// after `ready` and again whenever the registry or an evaluation run changes.
import * as vscode from 'vscode';
import { MODEL_VIEW_TYPE, type ModelFromWebview, type ModelToWebview } from '../../protocol/model';
import { PanelChannel } from '../panels/panelChannel';
import { panelHtml } from '../panels/panelHtml';
import type { ModelService } from './modelService';
import { degradationSettings, onDidChangeDegradationSettings } from './modelSettings';

export interface ModelPanelContext {
  readonly extensionUri: vscode.Uri;
  readonly models: ModelService;
  readonly log: vscode.OutputChannel;
  openRun(id: string): Promise<void>;
  openVersion(name: string, version: number): Promise<void>;
  setAlias(name: string, version: number): Promise<void>;
  openGateReport(name: string, line: number): Promise<void>;
}

function setup(panel: vscode.WebviewPanel, ctx: ModelPanelContext): void {
  const webview = panel.webview;
  const dist = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview');
  const media = vscode.Uri.joinPath(ctx.extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  panel.iconPath = vscode.Uri.joinPath(media, 'trackside.svg');
  webview.html = panelHtml({
    title: 'Trackside Model',
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'model.js')).toString(),
    styleUris: [vscode.Uri.joinPath(media, 'panels.css'), vscode.Uri.joinPath(dist, 'model.css')].map((u) => webview.asWebviewUri(u).toString()),
  });
}

export class ModelPanel implements vscode.Disposable {
  static readonly viewType = MODEL_VIEW_TYPE;
  private readonly channel: PanelChannel<ModelToWebview, ModelFromWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private isDisposed = false;

  static create(ctx: ModelPanelContext, name: string, version: number): ModelPanel {
    const panel = vscode.window.createWebviewPanel(MODEL_VIEW_TYPE, `${name} v${version}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { enableFindWidget: true });
    return new ModelPanel(panel, ctx, name, version);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: ModelPanelContext,
    readonly name: string,
    readonly version: number,
  ) {
    setup(panel, ctx);
    panel.title = `${name} v${version}`;
    this.channel = new PanelChannel<ModelToWebview, ModelFromWebview>(panel, {
      ready: () => this.resend(),
      message: (m) => this.onMessage(m),
      error: (err) => {
        const message = err instanceof Error ? err.message : String(err);
        ctx.log.appendLine(`[model panel] ${message}`);
        void vscode.window.showErrorMessage(`Trackside: ${message}`);
      },
    });
    this.disposables.push(
      this.channel,
      ctx.models.onDidChange(() => this.channel.isReady && this.resend()),
      onDidChangeDegradationSettings(() => this.channel.isReady && this.resend()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get key(): string {
    return `${this.name}@${this.version}`;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private resend(): void {
    this.send().catch((err) => {
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.log.appendLine(`[model panel] ${message}`);
    });
  }

  private async send(): Promise<void> {
    const index = this.ctx.models.index;
    const [report, all, gates] = await Promise.all([
      index.call('versionReport', this.name, this.version, degradationSettings()),
      index.call('listVersions', this.name),
      index.call('gateHistory', this.name, this.version),
    ]);
    if (this.isDisposed) return;
    if (!report) {
      this.channel.post({ type: 'missing', name: this.name, version: this.version });
      return;
    }
    const versions = all.map((v) => ({ version: v.version, aliases: v.aliases }));
    this.channel.post({ type: 'report', report, versions, gates });
  }

  private async onMessage(m: ModelFromWebview): Promise<void> {
    switch (m.type) {
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
      case 'openVersion':
        if (Number.isInteger(m.version)) await this.ctx.openVersion(this.name, m.version);
        return;
      case 'setAlias':
        await this.ctx.setAlias(this.name, this.version);
        return;
      case 'openGateReport':
        if (Number.isInteger(m.line)) await this.ctx.openGateReport(this.name, m.line);
        return;
      case 'openUrl':
        // Only web links: a URL in a gate log is data anyone who writes the folder chooses.
        if (/^https?:\/\//i.test(m.url)) await vscode.env.openExternal(vscode.Uri.parse(m.url, true));
        return;
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
