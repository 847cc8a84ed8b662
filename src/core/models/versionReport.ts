// Everything the Model panel (and `trackside model show`) shows of one version: the version,
// its evaluations in order with each metric checked against the first finished one, the
// degradations found, and per evaluation the drift (PSI) of each numeric column against the
// version's training data, worst first.
import type { FileEntry } from '../events';
import type { RunStatus } from '../events';
import type { Store } from '../store';
import { type NumericColumn, numericColumns, textColumns } from './columnSummary';
import { type DegradationSettings, type Direction, type MetricCheck, compareToBaseline, metricDirection } from './degradation';
import { type EvaluationInfo, datasetColumns, evaluations, getVersion } from './modelQueries';
import { type DriftLevel, categoricalPsi, columnPsi, driftLevel } from './psi';

export interface ColumnDrift {
  /** The evaluation's dataset and the training dataset it was held to. */
  dataset: string;
  reference: string;
  column: string;
  kind: 'numeric' | 'text';
  psi: number;
  level: DriftLevel;
}

export interface EvaluationRow {
  runId: string;
  name: string;
  status: RunStatus;
  started: number | null;
  ref: string | null;
  datasets: { name: string; hash: string; path: string }[];
  /** Last value per metric; null where not finite. */
  values: Record<string, number | null>;
  /** The first finished evaluation: the others are held to it. */
  baseline: boolean;
  /** Against the baseline (finished evaluations after it only). */
  checks: MetricCheck[];
  degraded: boolean;
  /** Worst first. */
  drift: ColumnDrift[];
}

export interface Degradation {
  runId: string;
  name: string;
  started: number | null;
  check: MetricCheck;
}

export interface VersionReport {
  name: string;
  version: number;
  aliases: string[];
  t: number | null;
  runId: string | null;
  runName: string | null;
  runStatus: RunStatus | null;
  hash: string;
  size: number;
  /** File or folder name of the weights. */
  weights: string;
  /** Files of folder weights; empty for a single file. */
  files: FileEntry[];
  code: FileEntry[];
  metadata: Record<string, unknown>;
  datasets: { name: string; hash: string; columns: number }[];
  /** Metric keys of the evaluations, sorted. */
  metrics: string[];
  directions: Record<string, Direction>;
  evaluations: EvaluationRow[];
  degradations: Degradation[];
  tolerance: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface TrainingColumns {
  dataset: string;
  columns: Map<string, NumericColumn>;
  text: Map<string, Map<string, number>>;
}

/** Column summaries of the training datasets. */
export function trainingColumns(store: Store, datasets: { name: string; hash: string }[], runId: string | null): TrainingColumns[] {
  const found: TrainingColumns[] = [];
  for (const d of datasets) {
    const c = datasetColumns(store, d.hash, runId);
    if (c) found.push({ dataset: d.name, columns: numericColumns(c.columns), text: textColumns(c.columns) });
  }
  return found;
}

/** The training dataset of the same name first, else any that has the column. */
function referenceFor<T>(training: TrainingColumns[], dataset: string, has: (t: TrainingColumns) => T | undefined): { dataset: string; column: T } | undefined {
  const t = training.find((x) => x.dataset === dataset && has(x) !== undefined) ?? training.find((x) => has(x) !== undefined);
  return t ? { dataset: t.dataset, column: has(t)! } : undefined;
}

/** PSI of each column of the evaluation's data sets against the training data, worst first. */
export function evaluationDrift(e: EvaluationInfo, training: TrainingColumns[]): ColumnDrift[] {
  const rows: ColumnDrift[] = [];
  const add = (dataset: string, reference: string, column: string, kind: ColumnDrift['kind'], value: number): void => {
    if (Number.isFinite(value)) rows.push({ dataset, reference, column, kind, psi: value, level: driftLevel(value) });
  };
  for (const d of e.datasets) {
    for (const [column, current] of numericColumns(d.columns)) {
      const ref = referenceFor(training, d.name, (t) => t.columns.get(column));
      if (ref) add(d.name, ref.dataset, column, 'numeric', columnPsi(ref.column, current));
    }
    for (const [column, current] of textColumns(d.columns)) {
      const ref = referenceFor(training, d.name, (t) => t.text.get(column));
      if (ref) add(d.name, ref.dataset, column, 'text', categoricalPsi(ref.column, current));
    }
  }
  return rows.sort((a, b) => b.psi - a.psi || a.column.localeCompare(b.column));
}

export function versionReport(store: Store, name: string, version: number, settings: DegradationSettings): VersionReport | undefined {
  const v = getVersion(store, name, version);
  if (!v) return undefined;
  const r = v.record;
  const evals = evaluations(store, name, version);
  const training = trainingColumns(store, r.datasets ?? [], v.runId);
  const baseline = evals.find((e) => e.status === 'finished');
  const keys = new Set<string>();
  for (const e of evals) for (const k of Object.keys(e.metrics)) keys.add(k);
  const metrics = [...keys].sort();
  const rows: EvaluationRow[] = [];
  const degradations: Degradation[] = [];
  let afterBaseline = false;
  for (const e of evals) {
    const isBaseline = e === baseline;
    const checks = afterBaseline && baseline && e.status === 'finished' ? compareToBaseline(baseline.metrics, e.metrics, settings) : [];
    if (isBaseline) afterBaseline = true;
    const runName = e.name ?? e.runId;
    for (const c of checks) if (c.degraded) degradations.push({ runId: e.runId, name: runName, started: e.started, check: c });
    const values: Record<string, number | null> = {};
    for (const [k, x] of Object.entries(e.metrics)) values[k] = finite(x);
    rows.push({
      runId: e.runId,
      name: runName,
      status: e.status,
      started: e.started,
      ref: e.ref,
      datasets: e.datasets.map((d) => ({ name: d.name, hash: d.hash, path: d.path })),
      values,
      baseline: isBaseline,
      checks,
      degraded: checks.some((c) => c.degraded),
      drift: evaluationDrift(e, training),
    });
  }
  const directions: Record<string, Direction> = {};
  for (const k of metrics) directions[k] = metricDirection(k, settings);
  return {
    name,
    version,
    aliases: v.aliases,
    t: v.t,
    runId: v.runId,
    runName: v.runName,
    runStatus: v.runStatus,
    hash: v.hash,
    size: v.size,
    weights: r.weights ?? 'weights',
    files: r.files ?? [],
    code: r.code,
    metadata: r.metadata ?? {},
    datasets: (r.datasets ?? []).map((d) => ({ ...d, columns: training.find((t) => t.dataset === d.name)?.columns.size ?? 0 })),
    metrics,
    directions,
    evaluations: rows,
    degradations,
    tolerance: settings.tolerance,
  };
}
