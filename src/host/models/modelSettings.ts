import * as vscode from 'vscode';
import { DEFAULT_TOLERANCE, type DegradationSettings, type MetricRule } from '../../core/models/degradation';

/** `trackside.degradationTolerance` and `trackside.degradationOverrides`, checked. */
export function degradationSettings(): DegradationSettings {
  const c = vscode.workspace.getConfiguration('trackside');
  const t = c.get<number>('degradationTolerance', DEFAULT_TOLERANCE);
  const raw = c.get<Record<string, MetricRule>>('degradationOverrides', {});
  const overrides: Record<string, MetricRule> = {};
  for (const [key, rule] of Object.entries(raw ?? {})) {
    if (typeof rule !== 'object' || rule === null) continue;
    overrides[key] = {
      ...(typeof rule.tolerance === 'number' && rule.tolerance >= 0 ? { tolerance: rule.tolerance } : {}),
      ...(rule.direction === 'higher' || rule.direction === 'lower' ? { direction: rule.direction } : {}),
    };
  }
  return { tolerance: typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : DEFAULT_TOLERANCE, overrides };
}

export function onDidChangeDegradationSettings(fn: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('trackside.degradationTolerance') || e.affectsConfiguration('trackside.degradationOverrides')) fn();
  });
}
