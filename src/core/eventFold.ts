// One run's parsed events folded into what an index keeps: the runs row's fields, each metric
// key's points (every value kept, numbered within its step), summaries and level-of-detail
// buckets, and the run's records (params, tags, artifacts, …) handed to a sink. The local
// SQLite index (eventApply.ts) and the team index (team/teamFold.ts) both fold through here,
// so a pushed run reads back exactly as the local one.
import type { ParsedEvent } from './eventParse';
import { type ArtifactEvent, type CodeEvent, type DatasetEvent, ENDED_STATUSES, type ImageEvent, type ModelEvent, type ModelRefEvent } from './events';
import { type Agg, LOD_LEVELS, type ValueStats, type ValueStatsRow, addToAgg, coarsen, newAgg, normalizeAggs } from './lod';

/** A summaries row as stored (NaN as null). */
export interface SummaryRow extends ValueStatsRow {
  last_seq: number;
  last: number | null;
  t: number | null;
  seq: number;
}

/** One metric key while a chunk of events is folded: its summary so far and this chunk's points. */
export interface KeyState extends ValueStats {
  /** Sequence of the latest value at lastStep (values at one step are numbered 0, 1, …). */
  lastSeq: number;
  last: number;
  t: number | null;
  seq: number;
  /** Open level-1 bucket and the ones closed before it in this chunk. */
  cur: Agg | null;
  aggs: Agg[];
  unordered: boolean;
  /** Points of this chunk as (step, seq, value, t, epoch) quintuples; NaN stands for NULL. */
  pending: Float64Array;
  /** Points in `pending`. */
  n: number;
  /** Values per step in this chunk, built only once a step arrives out of order. */
  batchCounts: Map<number, number> | null;
}

/** The run's row as stored before this chunk. */
export interface RunState {
  started: number | null;
  source: string | null;
  updated: number | null;
  sysSamples: number;
}

/** Column name → value for the runs row; later events overwrite earlier ones. */
export type RunPatch = Record<string, string | number | null>;

/** Where a fold puts what is not a point or a run field. */
export interface FoldSink {
  /** The key's state, made once per chunk from its stored summary (newKeyState). */
  key(key: string): KeyState;
  /** The sequence after the last value stored at `step` of `key` (asked for out-of-order steps only). */
  nextSeq(key: string, step: number): number;
  params(values: Record<string, unknown>): void;
  tag(tag: string, present: boolean): void;
  artifact(ev: ArtifactEvent): void;
  image(ev: ImageEvent): void;
  /** `columns` as JSON text. */
  dataset(ev: DatasetEvent, columns: string | null): void;
  code(ev: CodeEvent): void;
  model(ev: ModelEvent): void;
  modelRef(ev: ModelRefEvent): void;
}

export function nz(x: number | null | undefined): number {
  return x === null || x === undefined ? Number.NaN : x;
}

export function dbNum(x: number): number | null {
  return x !== x ? null : x;
}

export function newKeyState(row: SummaryRow | undefined): KeyState {
  return {
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
}

/** Folds `events` (with their 1-based `lines`); returns the runs row's patch and how many points were added. */
export function foldRunEvents(events: readonly ParsedEvent[], lines: readonly number[], run: RunState, sink: FoldSink): { patch: RunPatch; points: number } {
  const patch: RunPatch = {};
  let points = 0;
  if (events.length === 0) return { patch, points };
  let sysStep = run.sysSamples;
  let maxT = run.updated ?? Number.NEGATIVE_INFINITY;

  const addPoint = (key: string, step: number, value: number, t: number, epoch: number | null, seq: number): void => {
    const st = sink.key(key);
    // Every value is kept: its sequence within the step orders values logged at one step.
    let within: number;
    if (st.count === 0 || step > st.lastStep) within = 0;
    else if (step === st.lastStep) within = st.lastSeq + 1;
    else {
      // Out of order: values at this step may be stored already and earlier in this chunk.
      st.batchCounts ??= batchCounts(st);
      within = sink.nextSeq(key, step) + (st.batchCounts.get(step) ?? 0);
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
    points++;
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

  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const seqBase = lines[i] * 65536;
    if (ev.t > maxT) maxT = ev.t;
    switch (ev.type) {
      case 'metrics': {
        const epoch = typeof ev.epoch === 'number' ? ev.epoch : null;
        const values = ev.values;
        let k = 0;
        for (const key in values) addPoint(key, ev.step, values[key], ev.t, epoch, seqBase + Math.min(k++, 65535));
        break;
      }
      case 'sys': {
        const step = sysStep++;
        const values = ev.values;
        let k = 0;
        for (const key in values) addPoint(`sys/${key}`, step, values[key], ev.t, null, seqBase + Math.min(k++, 65535));
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
        // The sweep's name is what tables show and queries name; a malformed sweep is left out.
        const sweep = ev.sweep as unknown;
        if (typeof sweep === 'object' && sweep !== null && typeof (sweep as { name?: unknown }).name === 'string') patch.sweep = (sweep as { name: string }).name;
        if (typeof ev.note === 'string') patch.note = ev.note === '' ? null : ev.note;
        if (ev.params) sink.params(ev.params);
        if (ev.tags) for (const tag of ev.tags) sink.tag(tag, true);
        break;
      }
      case 'params':
        sink.params(ev.values);
        break;
      case 'status':
        patch.status = ev.status;
        patch.exit_code = typeof ev.exit_code === 'number' ? ev.exit_code : null;
        patch.error = typeof ev.error === 'string' ? ev.error : null;
        patch.ended = ENDED_STATUSES.has(ev.status) ? ev.t : null;
        break;
      case 'tags':
        for (const tag of ev.add ?? []) sink.tag(tag, true);
        for (const tag of ev.remove ?? []) sink.tag(tag, false);
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
        sink.artifact(ev);
        break;
      case 'image':
        sink.image(ev);
        break;
      case 'dataset':
        sink.dataset(ev, ev.columns === undefined || ev.columns === null ? null : JSON.stringify(ev.columns));
        break;
      case 'code':
        sink.code(ev);
        break;
      // Versions come from the registry (models/modelSync.ts); this links the run.
      case 'model':
        sink.model(ev);
        break;
      case 'model_ref':
        sink.modelRef(ev);
        break;
      case 'alias':
      case 'gate':
        break; // only meaningful in a model's own logs
    }
  }

  if (run.started === null) patch.started = events[0].t;
  if (Number.isFinite(maxT)) patch.updated = maxT;
  return { patch, points };
}

function batchCounts(st: KeyState): Map<number, number> {
  const counts = new Map<number, number>();
  for (let o = 0; o < 5 * st.n; o += 5) counts.set(st.pending[o], (counts.get(st.pending[o]) ?? 0) + 1);
  return counts;
}

/** The chunk's level-of-detail buckets of a key, per level 1..LOD_LEVELS (index level - 1); closes its open bucket. */
export function keyLod(st: KeyState): Agg[][] {
  if (st.cur !== null) st.aggs.push(st.cur);
  st.cur = null;
  let aggs = st.unordered ? normalizeAggs(st.aggs) : st.aggs;
  st.aggs = [];
  const lod: Agg[][] = [];
  for (let level = 1; level <= LOD_LEVELS; level++) {
    if (level > 1) aggs = coarsen(aggs);
    lod.push(aggs);
  }
  return lod;
}

/** The key's summaries row after the chunk. */
export function keySummary(st: KeyState): SummaryRow {
  return {
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
  };
}
