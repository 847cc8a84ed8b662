// The Model panel's picture of one version: its report, the versions to switch to and the
// gate verdicts, as the panel's wire types (only what it shows). Pure: no editor API.
import type { GateRecord } from '../core/models/gateQueries';
import { gateHistory } from '../core/models/gateQueries';
import type { DegradationSettings } from '../core/models/degradation';
import { listVersions } from '../core/models/modelQueries';
import { type EvaluationRow, type VersionReport, versionReport } from '../core/models/versionReport';
import type { Store } from '../core/store';
import type { EvaluationView, GateView, ModelReportView, ModelToWebview } from '../protocol/model';

export function modelView(store: Store, name: string, version: number, settings: DegradationSettings): ModelToWebview {
  const report = versionReport(store, name, version, settings);
  if (!report) return { type: 'missing', name, version };
  return {
    type: 'report',
    report: reportView(report),
    versions: listVersions(store, name).map((v) => ({ version: v.version, aliases: v.aliases })),
    gates: gateHistory(store, name, version).map(gateView),
  };
}

function reportView(r: VersionReport): ModelReportView {
  return {
    name: r.name,
    version: r.version,
    aliases: r.aliases,
    t: r.t,
    runId: r.runId,
    runName: r.runName,
    runStatus: r.runStatus,
    hash: r.hash,
    size: r.size,
    weights: r.weights,
    code: r.code.map((f) => ({ path: f.path, hash: f.hash })),
    metadata: r.metadata,
    datasets: r.datasets.map((d) => ({ name: d.name, hash: d.hash, columns: d.columns })),
    metrics: r.metrics,
    directions: r.directions,
    evaluations: r.evaluations.map(evaluationView),
    degradations: r.degradations,
    tolerance: r.tolerance,
  };
}

function evaluationView(e: EvaluationRow): EvaluationView {
  const { ref: _ref, ...shown } = e;
  return shown;
}

function gateView(g: GateRecord): GateView {
  const { type: _type, name: _name, evaluation: _evaluation, ...shown } = g;
  return shown;
}
