// Messages between the host and the Sweep panel webview.
import type { ParamValue } from '../core/events';

export const SWEEP_VIEW_TYPE = 'trackside.sweep';

export interface SweepPanelState {
  sweepId: string;
  /** Brushed range per axis (parameter name or the metric), in the axis's values. */
  brush?: Record<string, [number, number]>;
}

export interface SweepTrialView {
  key: number;
  runId?: string;
  status: string;
  params: Record<string, ParamValue>;
  value: number | null;
}

export interface SweepImportance {
  /** optuna: Optuna's fANOVA evaluator; rank: |Spearman ρ| of each parameter with the metric. */
  kind: 'optuna' | 'rank';
  values: Record<string, number>;
  /** Why it is not Optuna's (Optuna missing, too few trials). */
  note?: string;
}

export interface SweepView {
  id: string;
  name: string;
  method: string;
  status: string;
  message?: string;
  metric?: { name: string; goal: 'minimize' | 'maximize' };
  /** Swept parameters, in the file's order. */
  params: string[];
  trials: SweepTrialView[];
  importance?: SweepImportance;
}

export type SweepToWebview = { type: 'sweep'; sweep: SweepView } | { type: 'missing'; sweepId: string };

export type SweepFromWebview = { type: 'ready' } | { type: 'openRun'; runId: string } | { type: 'compare'; runIds: string[] };
