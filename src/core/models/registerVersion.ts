// "Register as Model Version" from the editor: a run's artifact (or a model event whose run
// folder came from a machine with another registry) becomes the next version of a model.
// The version is claimed in the registry, then a `model` event is appended to the run's
// log, as the client does for run.log_model().
import { readEvents } from '../eventReader';
import type { FileEntry, ModelEvent } from '../events';
import { ingestRun } from '../ingest';
import { eventsPath, runDir } from '../paths';
import { getRun } from '../runQueries';
import type { Store } from '../store';
import { checkModelName } from './modelNames';
import { syncModels } from './modelSync';
import { appendJsonLine } from '../appendLine';
import { claimVersion } from './registryWrite';

export interface RegisterCandidate {
  /** "artifact" or an unregistered "model" event of the run. */
  kind: 'artifact' | 'model';
  label: string;
  /** The model name a model event carries. */
  model?: string;
  hash: string;
  size: number;
}

/** What a run offers to register: its artifacts (models first) and unregistered model events. */
export function registerCandidates(store: Store, runId: string): RegisterCandidate[] {
  const run = getRun(store, runId);
  if (!run) return [];
  const registered = new Set(
    (store.stmt('SELECT name, hash FROM model_versions WHERE run_id = ?').all(runId) as { name: string; hash: string }[]).map((r) => `${r.name}\0${r.hash}`),
  );
  const registeredHashes = new Set([...registered].map((k) => k.split('\0')[1]));
  const out: RegisterCandidate[] = [];
  for (const e of modelEvents(store, runId)) {
    if (!registered.has(`${e.name}\0${e.hash}`)) out.push({ kind: 'model', label: e.name, model: e.name, hash: e.hash, size: e.size });
  }
  const artifacts = [...run.artifacts].sort((a, b) => Number(b.kind === 'model') - Number(a.kind === 'model'));
  for (const a of artifacts) {
    if (!registeredHashes.has(a.hash) && !out.some((c) => c.hash === a.hash)) out.push({ kind: 'artifact', label: a.name, hash: a.hash, size: a.size });
  }
  return out;
}

function modelEvents(store: Store, runId: string): ModelEvent[] {
  const has = store.stmt('SELECT 1 FROM run_models m JOIN runs r ON r.rid = m.rid WHERE r.id = ? LIMIT 1').get(runId);
  if (!has) return [];
  return readEvents(eventsPath(runDir(store.root, runId))).events.filter((e): e is ModelEvent => e.type === 'model');
}

export interface RegisterOptions {
  runId: string;
  /** Weights: the hash of one of the run's artifacts or model events. */
  hash: string;
  name: string;
  /** Inference code: paths of the run's code snapshot (default: a model event's own code). */
  codePaths?: string[];
  metadata?: Record<string, unknown>;
}

/** Registers the next version and returns its number. */
export function registerVersion(store: Store, o: RegisterOptions): number {
  const name = checkModelName(o.name);
  const run = getRun(store, o.runId);
  if (!run) throw new Error(`no run ${o.runId}`);
  const event = modelEvents(store, o.runId).find((e) => e.hash === o.hash);
  const artifact = run.artifacts.find((a) => a.hash === o.hash);
  if (!event && !artifact) throw new Error(`run ${o.runId} has no artifact or model with hash ${o.hash}`);
  let code: FileEntry[] = event?.code ?? [];
  if (o.codePaths) {
    const byPath = new Map(run.code.map((c) => [c.path, c]));
    code = o.codePaths.map((p) => {
      const c = byPath.get(p);
      if (!c) throw new Error(`${p} is not in the run's code snapshot`);
      return { path: c.path, hash: c.hash, size: c.size };
    });
  }
  const body: Omit<ModelEvent, 'version'> = {
    t: Date.now(),
    type: 'model',
    name,
    hash: o.hash,
    size: event?.size ?? artifact!.size,
    ...((event?.files ?? artifact?.files)?.length ? { files: event?.files ?? artifact!.files } : {}),
    weights: event?.weights ?? artifact?.name ?? 'weights',
    code,
    metadata: o.metadata ?? event?.metadata ?? {},
    datasets: event?.datasets ?? run.datasets.map((d) => ({ name: d.name, hash: d.hash })),
  };
  const version = claimVersion(store.root, { ...body, run: o.runId, source: 'editor' });
  appendJsonLine(eventsPath(runDir(store.root, o.runId)), { ...body, version });
  ingestRun(store, o.runId);
  syncModels(store);
  return version;
}
