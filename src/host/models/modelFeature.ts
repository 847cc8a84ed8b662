// Models in the editor: the Models view, one Model panel per version (restored after a
// reload), the degradation notifications and the model commands.
import * as vscode from 'vscode';
import type { ModelPanelState } from '../../protocol/model';
import { Commands } from '../commandIds';
import type { Handler } from '../commandRegistry';
import type { IndexService } from '../indexService';
import { OpenPanels } from '../panels/panelHost';
import { DegradationWatch } from './degradationWatch';
import { openGateReport } from './gateReports';
import { askVersion, registerFromRun, setAlias } from './modelCommands';
import { ModelPanel, type ModelPanelContext } from './modelPanel';
import { ModelService } from './modelService';
import { type ModelNode, ModelsView } from './modelsView';

export interface ModelFeatureHost {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly log: vscode.OutputChannel;
  openRun(id: string): Promise<void>;
}

type ModelCommand = typeof Commands.openModel | typeof Commands.setModelAlias | typeof Commands.registerModelVersion | typeof Commands.openGateReport;

export class ModelFeature implements vscode.Disposable {
  readonly models: ModelService;
  readonly view: ModelsView;
  private readonly panels: OpenPanels<ModelPanel>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly panelContext: ModelPanelContext;
  private readonly storage: vscode.Uri;

  constructor(host: ModelFeatureHost) {
    this.storage = host.context.storageUri ?? host.context.globalStorageUri;
    this.models = this.track(new ModelService(host.index, host.log));
    this.view = this.track(new ModelsView(this.models));
    this.track(vscode.window.createTreeView<ModelNode>('trackside.models', { treeDataProvider: this.view, showCollapseAll: true }));
    this.panelContext = {
      extensionUri: host.context.extensionUri,
      models: this.models,
      log: host.log,
      openRun: (id) => host.openRun(id),
      openVersion: (name, version) => this.open(name, version),
      setAlias: (name, version) => setAlias(this.models, { name, version }),
      openGateReport: (name, line) => openGateReport(this.models, this.storage, { name, line }),
    };
    this.track(new DegradationWatch(host.index, this.models, (name, version) => this.open(name, version), host.log));
    this.panels = this.track(
      new OpenPanels<ModelPanel>((p) => p.key, {
        viewType: ModelPanel.viewType,
        panel: (panel, saved) => {
          const state = saved as ModelPanelState | undefined;
          return state?.name && Number.isInteger(state.version) ? new ModelPanel(panel, this.panelContext, state.name, state.version) : undefined;
        },
      }),
    );
  }

  handlers(): Record<ModelCommand, Handler> {
    return {
      [Commands.openModel]: async (arg) => {
        const v = await askVersion(this.models, arg, 'Open Model');
        if (v) await this.open(v.name, v.version);
      },
      [Commands.setModelAlias]: async (arg) => {
        const v = await askVersion(this.models, arg, 'Set Model Alias');
        if (v) await setAlias(this.models, v);
      },
      [Commands.registerModelVersion]: async (arg) => {
        const v = await registerFromRun(this.models, arg);
        if (!v) return;
        const pick = await vscode.window.showInformationMessage(`Trackside: registered ${v.name} v${v.version}.`, 'Open Model');
        if (pick) await this.open(v.name, v.version);
      },
      [Commands.openGateReport]: (arg) => openGateReport(this.models, this.storage, arg),
    };
  }

  async open(name: string, version: number): Promise<void> {
    const key = `${name}@${version}`;
    const existing = this.panels.get(key);
    if (existing) return existing.reveal();
    this.panels.add(ModelPanel.create(this.panelContext, name, version));
  }

  private track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
