// Which metric the Run Explorer shows next to each run: per experiment, the one the user
// chose with "Show This Metric in the Explorer" (kept in the workspace's state), else the
// trackside.primaryMetric setting, else the index's own pick (val/, test/, eval/, then the
// first logged).
import * as vscode from 'vscode';
import type { RunDetail } from '../core/runQueries';
import { NO_EXPERIMENT, type PrimaryChoice } from '../protocol/explorer';
import { settings } from './config';

const STATE_KEY = 'trackside.primaryMetrics';

export class PrimaryMetrics {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly scope: () => vscode.Uri | undefined,
  ) {}

  choice(): PrimaryChoice {
    return { pinned: this.state.get<Record<string, string>>(STATE_KEY, {}), fallback: settings(this.scope()).primaryMetric };
  }

  async pin(experiment: string | null, key: string | undefined): Promise<void> {
    const pinned = { ...this.state.get<Record<string, string>>(STATE_KEY, {}) };
    const name = experiment ?? NO_EXPERIMENT;
    if (key) pinned[name] = key;
    else delete pinned[name];
    await this.state.update(STATE_KEY, pinned);
    this.changed.fire();
  }

  /**
   * The command: `key` from a chart's context menu (the run is the active Run panel's), or a
   * metric picked from the run's own.
   */
  async choose(run: RunDetail, key: string | undefined): Promise<void> {
    const experiment = run.experiment ?? null;
    if (!key) {
      const current = this.choice().pinned[experiment ?? NO_EXPERIMENT];
      const keys = run.metrics.map((m) => m.key).filter((k) => !k.startsWith('sys/'));
      if (keys.length === 0) throw new Error(`Run "${run.name ?? run.id}" has logged no metrics yet.`);
      const auto = '$(sparkle) Automatic';
      const picked = await vscode.window.showQuickPick(
        [
          { label: auto, description: 'val/…, test/… or eval/…, else the first metric logged', key: undefined },
          ...keys.map((k) => ({ label: k, description: k === current ? 'shown now' : undefined, key: k })),
        ],
        { title: `Metric Shown for ${experiment ?? NO_EXPERIMENT} in the Explorer` },
      );
      if (!picked) return;
      key = picked.key;
    }
    await this.pin(experiment, key);
    void vscode.window.showInformationMessage(`Trackside: runs of ${experiment ?? NO_EXPERIMENT} show ${key ?? 'their automatic metric'} in the explorer.`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
