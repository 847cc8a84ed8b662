// Folds a chunk of one run's parsed events into the rows the team index takes, through the
// same fold that writes the local index (eventFold.ts), so a pushed run reads back exactly as
// the local one. Pure: what the team index already holds comes in, rows go out.
import { type KeyState, type RunState, type SummaryRow, foldRunEvents, keyLod, keySummary, newKeyState } from '../eventFold';
import type { ParsedEvent } from '../eventParse';
import type { Agg } from '../lod';

export type { RunState, SummaryRow };

export interface KeyRows {
  key: string;
  /** Points as (step, seq, value, t, epoch) quintuples; NaN stands for NULL. */
  points: Float64Array;
  n: number;
  /** Level-of-detail aggregates of this chunk's points, per level 1..LOD_LEVELS (index level - 1). */
  lod: Agg[][];
  summary: SummaryRow;
}

export interface Folded {
  /** Column → value for the runs row. */
  patch: Record<string, string | number | null>;
  /** Param key → [JSON text, number or null], the last value of the chunk. */
  params: Map<string, [string, number | null]>;
  /** Tag → present after the chunk (added or removed, whichever came last). */
  tags: Map<string, boolean>;
  artifacts: { name: string; kind: string; hash: string; size: number; source: string | null; t: number; files: { path: string; hash: string; size: number }[] }[];
  /** By (key, step): a later image replaces an earlier one. */
  images: Map<string, { key: string; step: number; hash: string; format: string; size: number; width: number | null; height: number | null; t: number }>;
  datasets: { name: string; path: string; hash: string; size: number; columns: string | null; t: number; files: { path: string; hash: string; size: number }[] }[];
  /** By path: a later snapshot of a file replaces the earlier one. */
  code: Map<string, { path: string; hash: string; size: number; root: string | null; t: number }>;
  /** By (name, hash). */
  runModels: Map<string, { name: string; hash: string; version: number | null; t: number }>;
  /** The latest model_ref of the chunk. */
  modelRef: { name: string; version: number; ref: string | null; hash: string | null; t: number } | undefined;
  keys: Map<string, KeyRows>;
  points: number;
}

/** Steps per key whose next sequence number depends on points already in the team index. */
export function stepsToLookUp(events: readonly ParsedEvent[], summaries: ReadonlyMap<string, SummaryRow>, sysSamples: number): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let sysStep = sysSamples;
  const note = (key: string, step: number): void => {
    const s = summaries.get(key);
    if (!s || step > s.last_step) return;
    let set = out.get(key);
    if (!set) out.set(key, (set = new Set()));
    set.add(step);
  };
  for (const ev of events) {
    if (ev.type === 'metrics') for (const key in ev.values) note(key, ev.step);
    else if (ev.type === 'sys') {
      const step = sysStep++;
      for (const key in ev.values) note(`sys/${key}`, step);
    }
  }
  return out;
}

/**
 * Folds `events` (with their 1-based `lines`). `summaries` are the run's summaries rows by
 * key; `nextSeq(key, step)` the sequence number after the last point the team index holds
 * at that step (only asked for the steps stepsToLookUp names).
 */
export function foldEvents(
  events: readonly ParsedEvent[],
  lines: readonly number[],
  run: RunState,
  summaries: ReadonlyMap<string, SummaryRow>,
  nextSeq: (key: string, step: number) => number,
): Folded {
  const out: Folded = {
    patch: {},
    params: new Map(),
    tags: new Map(),
    artifacts: [],
    images: new Map(),
    datasets: [],
    code: new Map(),
    runModels: new Map(),
    modelRef: undefined,
    keys: new Map(),
    points: 0,
  };
  const states = new Map<string, KeyState>();
  const { patch, points } = foldRunEvents(events, lines, run, {
    key: (key) => {
      let st = states.get(key);
      if (!st) states.set(key, (st = newKeyState(summaries.get(key))));
      return st;
    },
    nextSeq,
    params: (values) => {
      for (const key in values) {
        const v = values[key];
        out.params.set(key, [JSON.stringify(v ?? null), typeof v === 'number' ? v : null]);
      }
    },
    tag: (tag, present) => out.tags.set(tag, present),
    artifact: (ev) => out.artifacts.push({ name: ev.name, kind: ev.kind, hash: ev.hash, size: ev.size, source: ev.source ?? null, t: ev.t, files: ev.files ?? [] }),
    image: (ev) =>
      out.images.set(`${ev.key}\0${ev.step}`, { key: ev.key, step: ev.step, hash: ev.hash, format: ev.format, size: ev.size, width: ev.width ?? null, height: ev.height ?? null, t: ev.t }),
    dataset: (ev, columns) => out.datasets.push({ name: ev.name, path: ev.path, hash: ev.hash, size: ev.size, columns, t: ev.t, files: ev.files }),
    code: (ev) => {
      for (const f of ev.files) out.code.set(f.path, { path: f.path, hash: f.hash, size: f.size, root: ev.root ?? null, t: ev.t });
    },
    model: (ev) => out.runModels.set(`${ev.name}\0${ev.hash}`, { name: ev.name, hash: ev.hash, version: ev.version ?? null, t: ev.t }),
    modelRef: (ev) => (out.modelRef = { name: ev.name, version: ev.version, ref: ev.ref ?? null, hash: ev.hash ?? null, t: ev.t }),
  });
  out.patch = patch;
  out.points = points;
  for (const [key, st] of states) out.keys.set(key, { key, points: st.pending, n: st.n, lod: keyLod(st), summary: keySummary(st) });
  return out;
}
