// The two sides of a gate by what the pipeline knows: "@latest", "@3", "@production", or the
// id (or name) of the run that trained the version, or of an evaluation run of it.
import { AmbiguousRunError, UnknownRunError } from '../errors';
import { isValidAlias } from '../models/modelNames';
import { UnknownModelError, type VersionInfo, evaluatedBy, getVersion, resolveModelRef } from '../models/modelQueries';
import { resolveRun } from '../runQueries';
import type { Store } from '../store';
import type { GateEvaluation, GateSide } from './gateTypes';
import type { EvaluationInfo } from '../models/modelQueries';

/** Data the gate needs is not there: exit code 3, with every reason. */
export class MissingDataError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('\n'));
    this.name = 'MissingDataError';
  }
}

/** The command cannot mean anything: exit code 2. */
export class GateUsageError extends Error {
  override readonly name = 'GateUsageError';
}

/** Checks the form of a side's reference (a usage error when it is malformed). */
export function checkSideRef(ref: string, flag: string): void {
  if (!ref.startsWith('@')) {
    if (!ref.trim()) throw new GateUsageError(`${flag} is empty`);
    return;
  }
  const tail = ref.slice(1);
  if (!/^[1-9]\d{0,14}$/.test(tail) && !isValidAlias(tail)) throw new GateUsageError(`${flag} ${JSON.stringify(ref)}: use @latest, @N (a version), @ALIAS or a run id`);
}

function byRun(store: Store, model: string, ref: string): VersionInfo {
  let id: string;
  try {
    id = resolveRun(store, ref);
  } catch (e) {
    if (e instanceof UnknownRunError) throw new MissingDataError([`no run "${ref}" (and "${ref}" is not @latest, @N or @ALIAS of ${model})`]);
    if (e instanceof AmbiguousRunError) throw new MissingDataError([e.message]);
    throw e;
  }
  const trained = store.stmt('SELECT max(version) FROM model_versions WHERE name = ? AND run_id = ?').pluck().get(model, id) as number | null;
  const version = trained ?? (evaluatedBy(store, id)?.name === model ? evaluatedBy(store, id)!.version : null);
  if (version === null) throw new MissingDataError([`run ${id} neither logged nor evaluated a version of ${model}`]);
  return getVersion(store, model, version)!;
}

/** The version a side names; MissingDataError for an unknown model, alias, version or run. */
export function resolveSide(store: Store, model: string, ref: string): VersionInfo {
  if (!store.stmt('SELECT 1 FROM model_versions WHERE name = ? LIMIT 1').get(model)) {
    const names = store.stmt('SELECT DISTINCT name FROM model_versions ORDER BY name LIMIT 20').pluck().all() as string[];
    throw new MissingDataError([`there is no model "${model}" (${names.length ? `models: ${names.join(', ')}` : 'no model is registered yet'})`]);
  }
  if (!ref.startsWith('@')) return byRun(store, model, ref);
  try {
    return resolveModelRef(store, `${model}${ref}`);
  } catch (e) {
    if (e instanceof UnknownModelError) throw new MissingDataError([e.message]);
    throw e;
  }
}

export function sideOf(v: VersionInfo, ref: string): GateSide {
  return {
    ref,
    version: v.version,
    aliases: v.aliases,
    trainingRun: v.runId,
    trainingDatasets: v.record.datasets ?? [],
    evaluation: null,
  };
}

export function evaluationOf(e: EvaluationInfo, ran: readonly string[]): GateEvaluation {
  return { runId: e.runId, name: e.name ?? e.runId, started: e.started, ranByGate: ran.includes(e.runId) };
}

/** "churn v3 (production, latest)". */
export function versionLabel(model: string, s: GateSide): string {
  return `${model} v${s.version}${s.aliases.length ? ` (${s.aliases.join(', ')})` : ''}`;
}
