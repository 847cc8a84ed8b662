// The Sweep panel: every trial of one sweep for the parallel-coordinates chart, the scatters
// and the best trial, and which parameters matter (Optuna's importance evaluator when Optuna
// is there, else rank correlation). Live: sent again (at most every half second) whenever
// the sweep's queue changes.
import type * as vscode from 'vscode';
import { OptunaStudy } from '../../core/sweeps/optunaStudy';
import { rankImportance } from '../../core/sweeps/rankImportance';
import { sweepDir, type SweepState } from '../../core/sweeps/sweepState';
import type { SweepFromWebview, SweepImportance, SweepToWebview, SweepView } from '../../protocol/sweepPanel';
import { SWEEP_VIEW_TYPE } from '../../protocol/sweepPanel';
import { PanelHost, createPanel } from '../panels/panelHost';
import type { PanelContext } from '../panels/panelSetup';

export interface SweepPanelSource {
  get(id: string): SweepState | undefined;
  readonly onDidChange: vscode.Event<string | undefined>;
  python(sweep: SweepState): Promise<string>;
  clientPath: string;
}

const UPDATE_MS = 500;

export class SweepPanel extends PanelHost<SweepToWebview, SweepFromWebview> {
  static readonly viewType = SWEEP_VIEW_TYPE;
  private timer: NodeJS.Timeout | undefined;
  private study: Promise<OptunaStudy> | undefined;
  /** Importance is worked out again only when the finished trials change. */
  private importance: { finished: string; value: SweepImportance } | undefined;

  static create(ctx: PanelContext, source: SweepPanelSource, id: string, column: vscode.ViewColumn): SweepPanel {
    return new SweepPanel(createPanel(SWEEP_VIEW_TYPE, 'Sweep', column), ctx, source, id);
  }

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private readonly source: SweepPanelSource,
    readonly sweepId: string,
  ) {
    super(panel, ctx, { script: 'sweep', title: 'Trackside Sweep', styles: ['media/sweep.css'] });
    this.disposables.push(
      source.onDidChange((id) => {
        if (id === undefined || id === sweepId) this.schedule();
      }),
    );
  }

  protected onReady(): void {
    this.start(() => this.send());
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.channel.isReady) this.start(() => this.send());
    }, UPDATE_MS);
  }

  private async send(): Promise<void> {
    const s = this.source.get(this.sweepId);
    if (!s) return this.channel.post({ type: 'missing', sweepId: this.sweepId });
    this.panel.title = `Sweep: ${s.name}`;
    const view: SweepView = {
      id: s.id,
      name: s.name,
      method: s.spec.method,
      status: s.status,
      ...(s.message ? { message: s.message } : {}),
      ...(s.spec.metric ? { metric: s.spec.metric } : {}),
      params: Object.keys(s.spec.parameters),
      trials: s.trials.map((t) => ({ key: t.key, ...(t.runId ? { runId: t.runId } : {}), status: t.status, params: t.params, value: typeof t.value === 'number' ? t.value : null })),
    };
    this.channel.post({ type: 'sweep', sweep: view });
    const importance = await this.importanceOf(s, view).catch((err: unknown) => {
      this.ctx.log.appendLine(`sweep ${s.id}: importance: ${String(err)}`);
      return undefined;
    });
    if (importance && !this.isDisposed) this.channel.post({ type: 'sweep', sweep: { ...view, importance } });
  }

  private async importanceOf(s: SweepState, view: SweepView): Promise<SweepImportance | undefined> {
    const done = view.trials.filter((t): t is typeof t & { value: number } => t.status === 'finished' && t.value !== null && Number.isFinite(t.value));
    const varying = view.params.filter((p) => new Set(done.map((t) => JSON.stringify(t.params[p]))).size > 1);
    if (done.length < 3 || varying.length === 0) return undefined;
    const finished = done.map((t) => t.key).join(',');
    if (this.importance?.finished === finished) return this.importance.value;
    let value: SweepImportance;
    try {
      this.study ??= this.source.python(s).then((python) => OptunaStudy.open({ python, clientPath: this.source.clientPath, dir: sweepDir(this.ctx.root, s.id), study: s.id, spec: s.spec }));
      const study = await this.study;
      value = { kind: 'optuna', values: await study.importance(done.map((t) => ({ params: t.params, value: t.value }))) };
    } catch (err) {
      this.study = undefined;
      const reason = err instanceof Error ? err.message : String(err);
      value = { kind: 'rank', values: rankImportance(done, varying), note: reason };
    }
    this.importance = { finished, value };
    return value;
  }

  protected async onMessage(m: SweepFromWebview): Promise<void> {
    if (m.type === 'openRun') await this.ctx.openRun(m.runId);
    else if (m.type === 'compare' && m.runIds.length >= 2) await this.ctx.compareRuns(m.runIds.slice(0, 10));
  }

  protected override onDispose(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.study?.then((s) => s.close(), () => undefined);
  }
}
