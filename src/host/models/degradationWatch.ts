// Tells the user when an evaluation run that ends while the window is open degraded
// against its version's first evaluation. Each run is judged once.
import * as vscode from 'vscode';
import { formatMetric } from '../../core/display';
import type { IndexService } from '../indexService';
import type { ModelService } from './modelService';
import { degradationSettings } from './modelSettings';

export class DegradationWatch implements vscode.Disposable {
  private readonly judged = new Set<string>();
  /** Runs that ended before this are not news. */
  private readonly since = Date.now();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    index: IndexService,
    private readonly models: ModelService,
    private readonly open: (name: string, version: number) => Promise<void>,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      index.onDidChange((e) => {
        void (async () => {
          for (const id of e.ids) await this.check(id);
        })().catch((err) => log.appendLine(`degradation check failed: ${err instanceof Error ? err.message : String(err)}`));
      }),
    );
  }

  private async check(runId: string): Promise<void> {
    if (this.judged.has(runId)) return;
    const index = this.models.index;
    const ref = await index.call('evaluatedBy', runId);
    if (!ref) return;
    const run = await index.call('getRun', runId);
    if (!run || run.status === 'running' || this.judged.has(runId)) return;
    this.judged.add(runId);
    if (run.status !== 'finished' || run.ended === null || run.ended < this.since) return;
    await index.call('syncModels');
    const report = await index.call('versionReport', ref.name, ref.version, degradationSettings());
    const row = report?.evaluations.find((e) => e.runId === runId);
    if (!report || !row?.degraded) return;
    const worst = row.checks.filter((c) => c.degraded).sort((a, b) => (b.change ?? Infinity) - (a.change ?? Infinity));
    const what = worst
      .slice(0, 2)
      .map((c) => `${c.key} ${formatMetric(c.baseline ?? Number.NaN)} → ${formatMetric(c.value ?? Number.NaN)}`)
      .join(', ');
    this.log.appendLine(`evaluation ${runId} of ${ref.name} v${ref.version} degraded: ${what}`);
    void vscode.window
      .showWarningMessage(
        `Trackside: evaluation "${row.name}" of ${ref.name} v${ref.version} degraded beyond the tolerance: ${what}${worst.length > 2 ? ` and ${worst.length - 2} more` : ''}.`,
        'Open Model',
      )
      .then((pick) => pick && this.open(ref.name, ref.version));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
