// Folds a chunk of one run's parsed events into the rows the team index takes, the way
// eventApply.ts writes them into the local index (same run fields, same sequence within a
// step, same summaries and level-of-detail buckets), so a pushed run reads back exactly as
// the local one. Pure: what the team index already holds comes in, rows go out.
import type { ParsedEvent } from '../eventParse';
import { type Agg, LOD_LEVELS, addToAgg, coarsen, newAgg, normalizeAggs } from '../lod';

/** The run's row as the team index has it before this chunk. */
export interface RunState {
  started: number | null;
  source: string | null;
  updated: number | null;
  sysSamples: number;
}

/** A summaries row (NaN as null). */
export interface SummaryRow {
  count: number;
  nans: number;
  min: number | null;
  max: number | null;
  first_step: number;
  last_step: number;
  last_seq: number;
  last: number | null;
  t: number | null;
  seq: number;
}

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

const TERMINAL = new Set(['finished', 'failed', 'stopped', 'crashed']);

interface KeyState {
  count: number;
  nans: number;
  min: number;
  max: number;
  firstStep: number;
  lastStep: number;
  lastSeq: number;
  last: number;
  t: number | null;
  seq: number;
  cur: Agg | null;
  aggs: Agg[];
  unordered: boolean;
  pending: Float64Array;
  n: number;
  batchCounts: Map<number, number> | null;
}

function nz(x: number | null | undefined): number {
  return x === null || x === undefined ? Number.NaN : x;
}

function dbNum(x: number): number | null {
  return x !== x ? null : x;
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
  if (events.length === 0) return out;
  const patch = out.patch;
  const states = new Map<string, KeyState>();
  let sysStep = run.sysSamples;
  let maxT = run.updated ?? Number.NEGATIVE_INFINITY;

  const keyState = (key: string): KeyState => {
    let st = states.get(key);
    if (st) return st;
    const row = summaries.get(key);
    st = {
      count: row?.count ?? 0,
      nans: row?.nans ?? 0,
      min: nz(row?.min),
      max: nz(row?.max),
      firstStep: row?.first_step ?? 0,
      lastStep: row?.last_step ?? 0,
      lastSeq: row?.last_seq ?? 0,
      last: nz(row?.last),
      t: row?.t ?? null,
      seq: row?.seq ?? 0,
      cur: null,
      aggs: [],
      unordered: false,
      pending: new Float64Array(5 * 256),
      n: 0,
      batchCounts: null,
    };
    states.set(key, st);
    return st;
  };

  const addPoint = (key: string, st: KeyState, step: number, value: number, t: number, epoch: number | null, seq: number): void => {
    let within: number;
    if (st.count === 0 || step > st.lastStep) within = 0;
    else if (step === st.lastStep) within = st.lastSeq + 1;
    else {
      st.batchCounts ??= batchCounts(st);
      within = nextSeq(key, step) + (st.batchCounts.get(step) ?? 0);
    }
    if (st.batchCounts !== null) st.batchCounts.set(step, (st.batchCounts.get(step) ?? 0) + 1);
    if (5 * st.n === st.pending.length) {
      const bigger = new Float64Array(st.pending.length * 2);
      bigger.set(st.pending);
      st.pending = bigger;
    }
    const p = st.pending;
    const o = 5 * st.n++;
    p[o] = step;
    p[o + 1] = within;
    p[o + 2] = value;
    p[o + 3] = t;
    p[o + 4] = epoch ?? Number.NaN;
    out.points++;
    st.t = t;
    st.seq = seq;
    if (st.count === 0 || step < st.firstStep) st.firstStep = step;
    if (st.count === 0 || step >= st.lastStep) {
      st.lastStep = step;
      st.lastSeq = within;
      st.last = value;
    }
    st.count++;
    if (value !== value) st.nans++;
    else {
      if (!(value >= st.min)) st.min = value;
      if (!(value <= st.max)) st.max = value;
    }
    const b = Math.floor(step / 16);
    const cur = st.cur;
    if (cur !== null && cur.bucket === b) addToAgg(cur, step, value);
    else {
      if (cur !== null) {
        st.aggs.push(cur);
        if (b < cur.bucket) st.unordered = true;
      }
      st.cur = newAgg(b, step, value);
    }
  };

  const params = (values: Record<string, unknown>): void => {
    for (const key in values) {
      const v = values[key];
      out.params.set(key, [JSON.stringify(v ?? null), typeof v === 'number' ? v : null]);
    }
  };

  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const seqBase = lines[i] * 65536;
    if (ev.t > maxT) maxT = ev.t;
    switch (ev.type) {
      case 'metrics': {
        const epoch = typeof ev.epoch === 'number' ? ev.epoch : null;
        let k = 0;
        for (const key in ev.values) addPoint(key, keyState(key), ev.step, ev.values[key], ev.t, epoch, seqBase + Math.min(k++, 65535));
        break;
      }
      case 'sys': {
        const step = sysStep++;
        let k = 0;
        for (const key in ev.values) addPoint(`sys/${key}`, keyState(`sys/${key}`), step, ev.values[key], ev.t, null, seqBase + Math.min(k++, 65535));
        patch.sys_samples = sysStep;
        break;
      }
      case 'run': {
        const set = (col: string, v: unknown): void => {
          if (v !== undefined && v !== null) patch[col] = v as string | number;
        };
        set('name', ev.name);
        set('experiment', ev.experiment);
        if (ev.command !== undefined && ev.command !== null) patch.command = JSON.stringify(ev.command);
        set('cwd', ev.cwd);
        set('script', ev.script);
        if (ev.git) {
          set('git_commit', ev.git.commit);
          set('git_branch', ev.git.branch);
          if (typeof ev.git.dirty === 'boolean') patch.git_dirty = ev.git.dirty ? 1 : 0;
          set('git_diff', ev.git.diff);
        }
        if (ev.python) {
          set('python_executable', ev.python.executable);
          set('python_version', ev.python.version);
        }
        set('host', ev.host);
        set('pid', ev.pid);
        // Who started the run: the first writer (the editor, before the client attaches).
        if (run.source === null && patch.source === undefined) set('source', ev.source);
        set('job', ev.job);
        set('parent', ev.parent);
        if (typeof ev.note === 'string') patch.note = ev.note === '' ? null : ev.note;
        if (ev.params) params(ev.params);
        if (ev.tags) for (const tag of ev.tags) out.tags.set(tag, true);
        break;
      }
      case 'params':
        params(ev.values);
        break;
      case 'status':
        patch.status = ev.status;
        patch.exit_code = typeof ev.exit_code === 'number' ? ev.exit_code : null;
        patch.error = typeof ev.error === 'string' ? ev.error : null;
        patch.ended = TERMINAL.has(ev.status) ? ev.t : null;
        break;
      case 'tags':
        for (const tag of ev.add ?? []) out.tags.set(tag, true);
        for (const tag of ev.remove ?? []) out.tags.set(tag, false);
        break;
      case 'note':
        patch.note = ev.text === '' ? null : ev.text;
        break;
      case 'rename':
        patch.name = ev.name;
        break;
      case 'deleted':
        patch.deleted = ev.deleted ? 1 : 0;
        break;
      case 'artifact':
        out.artifacts.push({ name: ev.name, kind: ev.kind, hash: ev.hash, size: ev.size, source: ev.source ?? null, t: ev.t, files: ev.files ?? [] });
        break;
      case 'image':
        out.images.set(`${ev.key}\0${ev.step}`, { key: ev.key, step: ev.step, hash: ev.hash, format: ev.format, size: ev.size, width: ev.width ?? null, height: ev.height ?? null, t: ev.t });
        break;
      case 'dataset': {
        const columns = ev.columns === undefined || ev.columns === null ? null : JSON.stringify(ev.columns);
        out.datasets.push({ name: ev.name, path: ev.path, hash: ev.hash, size: ev.size, columns, t: ev.t, files: ev.files });
        break;
      }
      case 'code':
        for (const f of ev.files) out.code.set(f.path, { path: f.path, hash: f.hash, size: f.size, root: ev.root ?? null, t: ev.t });
        break;
      case 'model':
        out.runModels.set(`${ev.name}\0${ev.hash}`, { name: ev.name, hash: ev.hash, version: ev.version ?? null, t: ev.t });
        break;
      case 'model_ref':
        out.modelRef = { name: ev.name, version: ev.version, ref: ev.ref ?? null, hash: ev.hash ?? null, t: ev.t };
        break;
      case 'alias':
        break; // only meaningful in a model's own log
    }
  }

  if (run.started === null) patch.started = events[0].t;
  if (Number.isFinite(maxT)) patch.updated = maxT;
  for (const [key, st] of states) out.keys.set(key, keyRows(key, st));
  return out;
}

function batchCounts(st: KeyState): Map<number, number> {
  const counts = new Map<number, number>();
  for (let o = 0; o < 5 * st.n; o += 5) counts.set(st.pending[o], (counts.get(st.pending[o]) ?? 0) + 1);
  return counts;
}

function keyRows(key: string, st: KeyState): KeyRows {
  if (st.cur !== null) st.aggs.push(st.cur);
  let aggs = st.unordered ? normalizeAggs(st.aggs) : st.aggs;
  const lod: Agg[][] = [];
  for (let level = 1; level <= LOD_LEVELS; level++) {
    if (level > 1) aggs = coarsen(aggs);
    lod.push(aggs);
  }
  return {
    key,
    points: st.pending,
    n: st.n,
    lod,
    summary: {
      count: st.count,
      nans: st.nans,
      min: dbNum(st.min),
      max: dbNum(st.max),
      first_step: st.firstStep,
      last_step: st.lastStep,
      last_seq: st.lastSeq,
      last: dbNum(st.last),
      t: st.t,
      seq: st.seq,
    },
  };
}
