// What `trackside gate` decided and why: the object `--json` prints (format 1, a contract
// documented in README.md next to this file), the Markdown report is rendered from, and
// the gate log keeps a summary of.
import type { Direction } from '../models/degradation';
import type { ColumnDrift } from '../models/versionReport';

export type GateMode = 'compare' | 'degradation';
export type GateOutcome = 'pass' | 'fail' | 'missing';

/** Exit codes of `trackside gate` (2 is a usage error, printed before any verdict). */
export const GATE_EXIT = { pass: 0, fail: 1, usage: 2, missing: 3 } as const;

export interface GateEvaluation {
  runId: string;
  name: string;
  started: number | null;
  /** Started by this gate's --evaluate. */
  ranByGate: boolean;
}

export interface GateSide {
  /** As asked: "@production", "@3", a run id. */
  ref: string;
  version: number;
  aliases: string[];
  trainingRun: string | null;
  trainingDatasets: { name: string; hash: string }[];
  /** The evaluation judged (degradation: the first one for the baseline side). */
  evaluation: GateEvaluation | null;
}

export interface GateMetric {
  key: string;
  direction: Direction;
  /** Values as logged; NaN and ±Infinity stay (JSON: "NaN", "Infinity"). */
  baseline: number;
  candidate: number;
  /** candidate − baseline. */
  delta: number;
  /** compare: the least improvement asked (--min-delta, absolute); degradation: the relative tolerance. */
  threshold: number;
  /** degradation: relative worsening (negative: better); null when it cannot be computed. */
  change: number | null;
  pass: boolean;
  /** One sentence: what happened to this metric. */
  reason: string;
}

export interface GateDriftColumn extends ColumnDrift {
  /** false when over --max-psi. */
  pass: boolean;
}

export interface GateParamDiff {
  key: string;
  /** JSON values; null also when the run has no such param. */
  baseline: unknown;
  candidate: unknown;
}

export interface GateHistoryPoint {
  /** "v3" (compare) or the evaluation's name (degradation). */
  label: string;
  version: number;
  runId: string;
  started: number | null;
  values: Record<string, number>;
  role: 'candidate' | 'baseline' | null;
}

export interface GateResult {
  format: 1;
  mode: GateMode;
  verdict: GateOutcome;
  exitCode: 0 | 1 | 3;
  model: string;
  /** Why the verdict: every failing check (fail), every missing piece (missing), every check (pass). */
  reasons: string[];
  candidate: GateSide | null;
  baseline: GateSide | null;
  /** The evaluation data set both sides were judged on. */
  dataset: { hash: string; name: string | null; path: string | null } | null;
  metrics: GateMetric[];
  /** Params of the two training runs that differ (compare mode). */
  params: GateParamDiff[];
  /** PSI per column of the evaluation data against the candidate's training data, worst first. */
  drift: { maxPsi: number | null; columns: GateDriftColumn[] };
  /** The gated metrics over the model's evaluations, oldest first. */
  history: GateHistoryPoint[];
  /** The alias moved on a pass with --promote. */
  promotion: { alias: string; version: number; previous: number | null } | null;
  /** Runs this gate started with --evaluate. */
  evaluated: string[];
  commit: string | null;
  /** The CI run, when the gate ran in one. */
  url: string | null;
  /** Where --report wrote the Markdown. */
  reportFile: string | null;
  t: number;
}
