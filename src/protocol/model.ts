// Messages between the host and the Model panel webview (one panel per model version), and
// the report it shows (built by src/views/modelView.ts from the registry's answer).
import type { RunStatusView } from './runView';

export const MODEL_VIEW_TYPE = 'trackside.model';

/** Kept by the webview with setState; the serializer reads name and version back. */
export interface ModelPanelState {
  name: string;
  version: number;
  /** Evaluations whose drift table is open. */
  openDrift?: string[];
}

export interface VersionChoice {
  version: number;
  aliases: string[];
}

export type MetricDirection = 'higher' | 'lower';

/** One metric of an evaluation held to the baseline evaluation. */
export interface MetricCheckView {
  key: string;
  direction: MetricDirection;
  /** null where not finite. */
  baseline: number | null;
  value: number | null;
  /** Relative worsening (negative: better); null when it cannot be computed. */
  change: number | null;
  tolerance: number;
  degraded: boolean;
}

/** Population stability index of one column of an evaluation's data against the training data. */
export interface DriftView {
  dataset: string;
  /** The training data set it was held to. */
  reference: string;
  column: string;
  kind: 'numeric' | 'text';
  psi: number;
  level: 'stable' | 'moderate' | 'major';
}

export interface EvaluationView {
  runId: string;
  name: string;
  status: RunStatusView;
  started: number | null;
  datasets: { name: string; hash: string; path: string }[];
  /** Last value per metric; null where not finite. */
  values: Record<string, number | null>;
  /** The first finished evaluation: the others are held to it. */
  baseline: boolean;
  checks: MetricCheckView[];
  degraded: boolean;
  /** Worst first. */
  drift: DriftView[];
}

export interface ModelReportView {
  name: string;
  version: number;
  aliases: string[];
  t: number | null;
  runId: string | null;
  runName: string | null;
  runStatus: RunStatusView | null;
  hash: string;
  size: number;
  /** File or folder name of the weights. */
  weights: string;
  code: { path: string; hash: string }[];
  metadata: Record<string, unknown>;
  /** Training data sets, with their numeric column counts. */
  datasets: { name: string; hash: string; columns: number }[];
  /** Metric keys of the evaluations, sorted. */
  metrics: string[];
  directions: Record<string, MetricDirection>;
  evaluations: EvaluationView[];
  degradations: { runId: string; name: string; started: number | null; check: MetricCheckView }[];
  tolerance: number;
}

/** A gate verdict on the version (or one that held another version to it). */
export interface GateView {
  /** Line in the model's gate log: its identity. */
  line: number;
  t: number;
  mode: 'compare' | 'degradation';
  verdict: 'pass' | 'fail';
  version: number;
  baseline?: number;
  baseline_ref?: string;
  dataset?: string;
  summary: string;
  reasons: string[];
  /** Blob hash of the Markdown report. */
  report?: string;
  promoted?: string;
  commit?: string;
  url?: string;
}

export type ModelToWebview =
  /** Everything the panel shows; sent after `ready` and whenever the version's data changes. */
  | { type: 'report'; report: ModelReportView; versions: VersionChoice[]; gates: GateView[] }
  /** The version is not (or no longer) in the registry. */
  | { type: 'missing'; name: string; version: number };

export type ModelFromWebview =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string }
  | { type: 'openVersion'; version: number }
  | { type: 'setAlias' }
  /** A gate verdict's report (by its line in the model's gate log), in the Markdown preview. */
  | { type: 'openGateReport'; line: number }
  /** The CI run of a verdict (http and https only). */
  | { type: 'openUrl'; url: string };
