// What a decided gate leaves behind: on a pass with --promote, the alias moved (its line in
// the alias log carries the verdict, commit and CI URL); the report as a blob; and one line
// in the model's gate log, which the index reads so the editor shows the verdict.
import { putBytes } from '../blobs';
import { appendJsonLine } from '../appendLine';
import type { GateEvent } from '../events';
import { UnknownModelError, resolveModelRef } from '../models/modelQueries';
import { gateLog } from '../models/registryPaths';
import { writeAlias } from '../models/registryWrite';
import type { Store } from '../store';
import { formatDelta } from './gateFormat';
import type { GateResult } from './gateTypes';

/** On a pass, points `alias` at the candidate; fills `r.promotion`. */
export function promote(store: Store, r: GateResult, alias: string): void {
  if (r.verdict !== 'pass' || !r.candidate) return;
  let previous: number | null = null;
  try {
    previous = resolveModelRef(store, `${r.model}@${alias}`).version;
  } catch (e) {
    if (!(e instanceof UnknownModelError)) throw e;
  }
  writeAlias(store.root, r.model, alias, r.candidate.version, r.t, { gate: 'pass', ...(r.commit ? { commit: r.commit } : {}), ...(r.url ? { url: r.url } : {}) });
  r.promotion = { alias, version: r.candidate.version, previous };
}

/** "auc +0.0079, log_loss -0.0067" or "auc 30.6 % worse; 2 columns drifted". */
export function gateSummary(r: GateResult): string {
  const metrics = r.metrics.map((m) =>
    r.mode === 'compare' || m.change === null ? `${m.key} ${formatDelta(m.delta)}` : `${m.key} ${+Math.abs(m.change * 100).toFixed(1)} % ${m.change > 0 ? 'worse' : 'better'}`,
  );
  const drifted = r.drift.columns.filter((c) => !c.pass).length;
  return [metrics.join(', '), drifted ? `${drifted} column${drifted === 1 ? '' : 's'} drifted` : ''].filter(Boolean).join('; ');
}

/** Stores the report and appends the verdict to the gate log (pass and fail only). */
export async function recordGate(store: Store, r: GateResult, markdown: string): Promise<GateEvent | undefined> {
  if (r.verdict === 'missing' || !r.candidate) return undefined;
  const report = await putBytes(store.root, markdown);
  const event: GateEvent = {
    t: r.t,
    type: 'gate',
    mode: r.mode,
    verdict: r.verdict,
    version: r.candidate.version,
    ...(r.mode === 'compare' && r.baseline ? { baseline: r.baseline.version, baseline_ref: r.baseline.ref } : {}),
    ...(r.dataset?.hash ? { dataset: r.dataset.hash } : {}),
    ...(r.candidate.evaluation ? { evaluation: r.candidate.evaluation.runId } : {}),
    summary: gateSummary(r),
    reasons: r.reasons,
    report: report.hash,
    ...(r.promotion ? { promoted: r.promotion.alias } : {}),
    ...(r.commit ? { commit: r.commit } : {}),
    ...(r.url ? { url: r.url } : {}),
  };
  appendJsonLine(gateLog(store.root, r.model), event);
  return event;
}
