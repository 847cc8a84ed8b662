// The gate's decision. compare: the candidate's and the baseline's evaluations on the same
// data set (by hash), each metric held to the baseline plus --min-delta. degradation: a
// version's newest evaluation held to its first one with the tolerance the Model panel uses.
// Either way the evaluation data's columns are held to the training data's (PSI,
// --max-psi). Evaluations missing on one side are run with --evaluate when it is given.
import { resolve } from 'node:path';
import { ingestRun } from '../ingest';
import type { DegradationSettings } from '../models/degradation';
import { type EvaluationInfo, type VersionInfo, evaluatedBy, listVersions } from '../models/modelQueries';
import { evaluationDrift, trainingColumns } from '../models/versionReport';
import { getRun } from '../runQueries';
import type { Store } from '../store';
import { commonDataset, dataSetHash, dataSetOf, finishedEvaluations, latestOn } from './gateEvidence';
import { expandCommand, runEvaluation } from './gateEvaluate';
import { formatPsi, formatValue } from './gateFormat';
import { type MetricSpec, compareMetric, degradationMetric } from './gateMetric';
import { GateUsageError, MissingDataError, evaluationOf, resolveSide, sideOf } from './gateSides';
import type { GateDriftColumn, GateHistoryPoint, GateMode, GateParamDiff, GateResult } from './gateTypes';

export interface GateOptions {
  model: string;
  mode: GateMode;
  /** "@latest", "@3", "@production" or a run; in degradation mode the version re-evaluated. */
  candidate: string;
  /** compare mode. */
  baseline?: string;
  /** compare: at least one; degradation: none means every metric of the first evaluation. */
  metrics: MetricSpec[];
  minDelta: number;
  /** Path of the evaluation data (file or folder), relative to the working directory. */
  dataset?: string;
  /** Command template with {ref} and {dataset}. */
  evaluate?: string;
  maxPsi?: number;
  /** degradation: overrides the workspace's tolerance. */
  tolerance?: number;
}

export interface GateContext {
  store: Store;
  cwd: string;
  env: NodeJS.ProcessEnv;
  clientPath?: string;
  settings: DegradationSettings;
  /** Progress and the evaluation's output (stderr). */
  onOutput(text: string): void;
  now: number;
}

export function emptyResult(opts: Pick<GateOptions, 'model' | 'mode' | 'maxPsi'>, now: number): GateResult {
  return {
    format: 1,
    mode: opts.mode,
    verdict: 'missing',
    exitCode: 3,
    model: opts.model,
    reasons: [],
    candidate: null,
    baseline: null,
    dataset: null,
    metrics: [],
    params: [],
    drift: { maxPsi: opts.maxPsi ?? null, columns: [] },
    history: [],
    promotion: null,
    evaluated: [],
    commit: null,
    url: null,
    reportFile: null,
    t: now,
  };
}

/** Decides; a MissingDataError becomes verdict "missing" with what was found so far. */
export async function decideGate(opts: GateOptions, ctx: GateContext): Promise<GateResult> {
  const r = emptyResult(opts, ctx.now);
  try {
    if (opts.mode === 'compare') await compare(opts, ctx, r);
    else await degradation(opts, ctx, r);
  } catch (e) {
    if (!(e instanceof MissingDataError)) throw e;
    r.verdict = 'missing';
    r.exitCode = 3;
    r.reasons = e.reasons;
    return r;
  }
  const failed = [...r.metrics.filter((m) => !m.pass).map((m) => m.reason), ...driftReasons(r.drift.columns, r.drift.maxPsi)];
  r.verdict = failed.length ? 'fail' : 'pass';
  r.exitCode = failed.length ? 1 : 0;
  r.reasons = failed.length ? failed : r.metrics.map((m) => m.reason);
  return r;
}

function driftReasons(columns: GateDriftColumn[], maxPsi: number | null): string[] {
  return columns.filter((c) => !c.pass).map((c) => `column ${c.column} drifted: PSI ${formatPsi(c.psi)} > ${maxPsi} (${c.level}) against the training data set ${c.reference}`);
}

/** Runs --evaluate for a version; the evaluations after it. */
async function evaluate(opts: GateOptions, ctx: GateContext, v: VersionInfo, r: GateResult): Promise<{ runId: string; evals: EvaluationInfo[] }> {
  const command = expandCommand(opts.evaluate!, `${v.name}@${v.version}`, opts.dataset);
  ctx.onOutput(`trackside gate: evaluating ${v.name} v${v.version}: ${command}\n`);
  const done = await runEvaluation({ root: ctx.store.root, cwd: ctx.cwd, command, name: `gate-${v.name}-v${v.version}`, clientPath: ctx.clientPath, env: ctx.env, onOutput: ctx.onOutput });
  r.evaluated.push(done.runId);
  ingestRun(ctx.store, done.runId);
  if (done.exitCode !== 0) {
    const how = done.signal ? `was ended by ${done.signal}` : done.exitCode === null ? 'could not start' : `exited with code ${done.exitCode}`;
    throw new MissingDataError([`the evaluation of ${v.name} v${v.version} ${how} (run ${done.runId}): ${command}`]);
  }
  const of = evaluatedBy(ctx.store, done.runId);
  if (of?.name !== v.name || of.version !== v.version) {
    throw new MissingDataError([`--evaluate ran ${command} (run ${done.runId}), but it did not evaluate ${v.name} v${v.version}: the script should call trackside.init(model=…) with the reference it is given`]);
  }
  return { runId: done.runId, evals: finishedEvaluations(ctx.store, v.name, v.version) };
}

function dataLabel(path: string | undefined, hash: string): string {
  return `${path ? `${path} ` : ''}(sha256 ${hash.slice(0, 12)}…)`;
}

/** The newest finished evaluation of `v` on `hash`, run with --evaluate when missing. */
async function evaluationOn(opts: GateOptions, ctx: GateContext, v: VersionInfo, hash: string, r: GateResult, role: string): Promise<EvaluationInfo | string> {
  const found = latestOn(finishedEvaluations(ctx.store, v.name, v.version), hash);
  if (found) return found;
  const data = dataLabel(opts.dataset, hash);
  if (!opts.evaluate) {
    return `no finished evaluation of the ${role}, ${v.name} v${v.version}, on ${data}: log one with trackside.init(model="${v.name}@${v.version}") and run.log_dataset(…), or pass --evaluate`;
  }
  const { runId, evals } = await evaluate(opts, ctx, v, r);
  return latestOn(evals, hash) ?? `--evaluate ran ${v.name} v${v.version}'s evaluation (run ${runId}), but it logged no data set with the hash of ${data}: does the command evaluate on {dataset}?`;
}

function dataSetHashOf(opts: GateOptions, ctx: GateContext): string {
  const hash = dataSetHash(resolve(ctx.cwd, opts.dataset!));
  if (!hash) throw new MissingDataError([`no data set at ${opts.dataset} (looked in ${ctx.cwd})`]);
  return hash;
}

async function compare(opts: GateOptions, ctx: GateContext, r: GateResult): Promise<void> {
  const store = ctx.store;
  const cand = resolveSide(store, opts.model, opts.candidate);
  const base = resolveSide(store, opts.model, opts.baseline!);
  if (cand.version === base.version) {
    throw new GateUsageError(`the candidate (${opts.candidate}) and the baseline (${opts.baseline}) are both ${opts.model} v${cand.version}: nothing to compare`);
  }
  r.candidate = sideOf(cand, opts.candidate);
  r.baseline = sideOf(base, opts.baseline!);

  let pair: { hash: string; candidate: EvaluationInfo; baseline: EvaluationInfo } | undefined;
  if (opts.dataset !== undefined) {
    const hash = dataSetHashOf(opts, ctx);
    r.dataset = { hash, name: null, path: opts.dataset };
    const c = await evaluationOn(opts, ctx, cand, hash, r, 'candidate');
    // Without --evaluate both sides' gaps are listed; with it, a candidate that could not be evaluated ends here.
    const b = typeof c === 'string' && opts.evaluate ? undefined : await evaluationOn(opts, ctx, base, hash, r, 'baseline');
    const missing = [c, b].filter((x): x is string => typeof x === 'string');
    if (missing.length) throw new MissingDataError(missing);
    pair = { hash, candidate: c as EvaluationInfo, baseline: b as EvaluationInfo };
  } else {
    let candEvals = finishedEvaluations(store, cand.name, cand.version);
    let baseEvals = finishedEvaluations(store, base.name, base.version);
    pair = commonDataset(candEvals, baseEvals);
    if (!pair && opts.evaluate && candEvals.length === 0) {
      candEvals = (await evaluate(opts, ctx, cand, r)).evals;
      pair = commonDataset(candEvals, baseEvals);
    }
    if (!pair && opts.evaluate) {
      baseEvals = (await evaluate(opts, ctx, base, r)).evals;
      pair = commonDataset(candEvals, baseEvals);
    }
    if (!pair) {
      const hashes = (evals: EvaluationInfo[]) => [...new Set(evals.flatMap((e) => e.datasets.map((d) => d.hash.slice(0, 12))))].join(', ') || 'none';
      throw new MissingDataError([
        `${opts.model} v${cand.version} and v${base.version} have no finished evaluation on the same data set (the candidate's data sets: ${hashes(candEvals)}; the baseline's: ${hashes(baseEvals)}): pass --dataset PATH with --evaluate, or evaluate both on one data set`,
      ]);
    }
  }
  const { hash, candidate: c, baseline: b } = pair;
  r.dataset = { hash, ...dataSetOf(c, hash), ...(opts.dataset !== undefined ? { path: opts.dataset } : {}) };
  r.candidate.evaluation = evaluationOf(c, r.evaluated);
  r.baseline.evaluation = evaluationOf(b, r.evaluated);
  r.params = paramsDiff(store, base.runId, cand.runId);
  r.history = compareHistory(store, opts.model, hash, opts.metrics.map((m) => m.key), cand.version, base.version);

  const missing: string[] = [];
  for (const spec of opts.metrics) {
    const cv = c.metrics[spec.key];
    const bv = b.metrics[spec.key];
    const logged = (e: EvaluationInfo) => Object.keys(e.metrics).join(', ') || 'no metrics';
    if (cv === undefined && bv === undefined) missing.push(`neither evaluation logged the metric ${spec.key} (the candidate's run ${c.name ?? c.runId} logged ${logged(c)})`);
    else if (cv === undefined) missing.push(`the candidate's evaluation (run ${c.name ?? c.runId}) logged no ${spec.key} (it logged ${logged(c)})`);
    else if (bv === undefined) missing.push(`the baseline's evaluation (run ${b.name ?? b.runId}) logged no ${spec.key} (it logged ${logged(b)})`);
    else if (!Number.isFinite(bv)) missing.push(`the baseline's ${spec.key} is ${formatValue(bv)} (run ${b.name ?? b.runId}): nothing to hold the candidate to`);
    else r.metrics.push(compareMetric(spec, bv, cv, opts.minDelta, ctx.settings));
  }
  if (missing.length) throw new MissingDataError(missing);
  r.drift.columns = driftOf(opts, ctx, cand, c, hash);
}

async function degradation(opts: GateOptions, ctx: GateContext, r: GateResult): Promise<void> {
  const store = ctx.store;
  const v = resolveSide(store, opts.model, opts.candidate);
  r.candidate = sideOf(v, opts.candidate);
  r.baseline = sideOf(v, `${opts.candidate} (first evaluation)`);
  let newest: EvaluationInfo | string;
  let hash: string;
  if (opts.dataset !== undefined) {
    hash = dataSetHashOf(opts, ctx);
    r.dataset = { hash, name: null, path: opts.dataset };
    newest = await evaluationOn(opts, ctx, v, hash, r, 'version');
    if (typeof newest === 'string') throw new MissingDataError([newest]);
  } else {
    const all = finishedEvaluations(store, v.name, v.version);
    const last = all.at(-1);
    if (!last) throw new MissingDataError([`${v.name} v${v.version} has no finished evaluation: pass --dataset PATH with --evaluate`]);
    newest = last;
    hash = last.datasets[0]?.hash ?? '';
  }
  const first = finishedEvaluations(store, v.name, v.version)[0];
  if (first.runId === newest.runId) {
    throw new MissingDataError([
      `the evaluation of ${v.name} v${v.version} on this data (run ${newest.name ?? newest.runId}) is its first one, the baseline later ones are held to: nothing to compare yet`,
    ]);
  }
  r.dataset = hash ? { hash, ...dataSetOf(newest, hash), ...(opts.dataset !== undefined ? { path: opts.dataset } : {}) } : null;
  r.candidate.evaluation = evaluationOf(newest, r.evaluated);
  r.baseline.evaluation = evaluationOf(first, r.evaluated);
  const settings = opts.tolerance === undefined ? ctx.settings : { ...ctx.settings, tolerance: opts.tolerance };
  const explicit = opts.metrics.length > 0;
  const specs = explicit ? opts.metrics : Object.keys(first.metrics).sort().map((key) => ({ key }));
  r.history = finishedEvaluations(store, v.name, v.version).map((e) => point(e, e.name ?? e.runId, v.version, specs.map((s) => s.key), e.runId === newest.runId ? 'candidate' : e.runId === first.runId ? 'baseline' : null));
  const missing: string[] = [];
  for (const spec of specs) {
    const fv = first.metrics[spec.key];
    const nv = newest.metrics[spec.key];
    if (fv === undefined) missing.push(`the first evaluation of ${v.name} v${v.version} (run ${first.name ?? first.runId}) logged no ${spec.key} (it logged ${Object.keys(first.metrics).join(', ') || 'no metrics'})`);
    else if (!Number.isFinite(fv)) {
      if (explicit) missing.push(`${spec.key} of the first evaluation is ${formatValue(fv)}: nothing to hold the new one to`);
    } else if (nv === undefined) missing.push(`the new evaluation (run ${newest.name ?? newest.runId}) logged no ${spec.key}`);
    else r.metrics.push(degradationMetric(spec, fv, nv, settings));
  }
  if (missing.length) throw new MissingDataError(missing);
  if (r.metrics.length === 0) throw new MissingDataError([`the first evaluation of ${v.name} v${v.version} has no finite metric to hold the new one to`]);
  r.drift.columns = driftOf(opts, ctx, v, newest, hash);
}

function driftOf(opts: GateOptions, ctx: GateContext, v: VersionInfo, e: EvaluationInfo, hash: string): GateDriftColumn[] {
  const training = trainingColumns(ctx.store, v.record.datasets ?? [], v.runId);
  const rows = evaluationDrift({ ...e, datasets: e.datasets.filter((d) => d.hash === hash) }, training);
  if (opts.maxPsi !== undefined && rows.length === 0) {
    throw new MissingDataError([
      `--max-psi: no column summaries to compare (${training.length ? 'the evaluation data set has none' : `${v.name} v${v.version}'s training data set has none`}; run.log_dataset of a .csv or .tsv file logs them)`,
    ]);
  }
  return rows.map((c) => ({ ...c, pass: opts.maxPsi === undefined || c.psi <= opts.maxPsi }));
}

function paramsDiff(store: Store, baseRun: string | null, candRun: string | null): GateParamDiff[] {
  const a = baseRun ? getRun(store, baseRun)?.params : undefined;
  const b = candRun ? getRun(store, candRun)?.params : undefined;
  if (!a || !b) return [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  return keys
    .filter((k) => !has(a, k) || !has(b, k) || JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => ({ key: k, baseline: has(a, k) ? a[k] : null, candidate: has(b, k) ? b[k] : null }));
}

function point(e: EvaluationInfo, label: string, version: number, keys: string[], role: GateHistoryPoint['role']): GateHistoryPoint {
  const values: Record<string, number> = {};
  for (const k of keys) if (e.metrics[k] !== undefined) values[k] = e.metrics[k];
  return { label, version, runId: e.runId, started: e.started, values, role };
}

/** Each version's newest evaluation on the data set, by version. */
function compareHistory(store: Store, model: string, hash: string, keys: string[], candidate: number, baseline: number): GateHistoryPoint[] {
  const out: GateHistoryPoint[] = [];
  for (const v of [...listVersions(store, model)].reverse()) {
    const e = latestOn(finishedEvaluations(store, model, v.version), hash);
    if (e) out.push(point(e, `v${v.version}`, v.version, keys, v.version === candidate ? 'candidate' : v.version === baseline ? 'baseline' : null));
  }
  return out;
}
