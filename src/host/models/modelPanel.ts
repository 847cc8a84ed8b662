// The Model panel of one model version: the report (evaluations, degradations, drift) sent
// after `ready` and again whenever the registry or an evaluation run changes.
import * as vscode from 'vscode';
import { MODEL_VIEW_TYPE, type ModelFromWebview, type ModelToWebview } from '../../protocol/model';
import { tracksideColumn } from '../panels/panelColumn';
import { type PanelBase, PanelHost, createPanel } from '../panels/panelHost';
import type { ModelService } from './modelService';
import { degradationSettings, onDidChangeDegradationSettings } from './modelSettings';

export interface ModelPanelContext extends PanelBase {
  readonly models: ModelService;
  openRun(id: string): Promise<void>;
  openVersion(name: string, version: number): Promise<void>;
  setAlias(name: string, version: number): Promise<void>;
  openGateReport(name: string, line: number): Promise<void>;
}

export class ModelPanel extends PanelHost<ModelToWebview, ModelFromWebview> {
  static readonly viewType = MODEL_VIEW_TYPE;

  static create(ctx: ModelPanelContext, name: string, version: number): ModelPanel {
    return new ModelPanel(createPanel(MODEL_VIEW_TYPE, `${name} v${version}`, tracksideColumn()), ctx, name, version);
  }

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: ModelPanelContext,
    readonly name: string,
    readonly version: number,
  ) {
    super(panel, ctx, { script: 'model', title: 'Trackside Model', styles: ['dist/webview/model.css'] });
    panel.title = `${name} v${version}`;
    this.disposables.push(
      ctx.models.onDidChange(() => this.channel.isReady && this.resend()),
      onDidChangeDegradationSettings(() => this.channel.isReady && this.resend()),
    );
  }

  get key(): string {
    return `${this.name}@${this.version}`;
  }

  protected onReady(): void {
    this.resend();
  }

  private resend(): void {
    this.send().catch((err) => {
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.log.appendLine(`[model panel] ${message}`);
    });
  }

  private async send(): Promise<void> {
    const view = await this.ctx.models.index.call('modelView', this.name, this.version, degradationSettings());
    if (!this.isDisposed) this.channel.post(view);
  }

  protected async onMessage(m: ModelFromWebview): Promise<void> {
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
}
