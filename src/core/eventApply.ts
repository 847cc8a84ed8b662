// Applies a batch of parsed events of one run to the index. Called inside the ingest
// transaction. Points are gathered per key and written key by key through multi-row
// inserts; summaries and level-of-detail buckets are aggregated in JS over the batch and
// written once per (key, bucket). Run fields are merged in JS and written in one UPDATE.
import type { ParsedEvent } from './eventParse';
import { type Store, keyId } from './store';
import { MultiRowInsert } from './multiRowInsert';
import { type Agg, LOD_LEVELS, addToAgg, coarsen, newAgg, normalizeAggs } from './lod';

interface KeyState {
  kid: number;
  count: number;
  nans: number;
  min: number;
  max: number;
  firstStep: number;
  lastStep: number;
  /** Sequence of the latest value at lastStep (values at one step are numbered 0, 1, …). */
  lastSeq: number;
  last: number;
  t: number | null;
  seq: number;
  /** Open level-1 bucket and the ones closed before it in this batch. */
  cur: Agg | null;
  aggs: Agg[];
  unordered: boolean;
  /**
   * Points of this batch as (step, seq, value, t, epoch) quintuples, written key by key at the
   * end (B-tree inserts stay local). NaN stands for NULL: SQLite stores a bound NaN as NULL.
   */
  pending: Float64Array;
  /** Points in `pending`. */
  n: number;
  /** Values per step in this batch, built only once a step arrives out of order. */
  batchCounts: Map<number, number> | null;
}

interface SummaryRow {
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

/** Column name → value for the runs row; later events overwrite earlier ones. */
type RunPatch = Record<string, string | number | null>;

const SQL = {
  pointsHead: 'INSERT INTO points (rid, kid, step, seq, value, t, epoch) VALUES',
  nextSeq: 'SELECT coalesce(max(seq) + 1, 0) FROM points WHERE rid = ? AND kid = ? AND step = ?',
  summary: 'SELECT count, nans, min, max, first_step, last_step, last_seq, last, t, seq FROM summaries WHERE rid = ? AND kid = ?',
  saveSummary:
    'INSERT OR REPLACE INTO summaries (rid, kid, count, nans, min, max, first_step, last_step, last_seq, last, t, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  lodHead: 'INSERT INTO lod (rid, kid, level, bucket, count, nans, min, max, first_step, last_step, first, last) VALUES',
  // A bucket already holding points from an earlier batch takes the new ones in.
  lodMerge: `ON CONFLICT (rid, kid, level, bucket) DO UPDATE SET
      count = count + excluded.count,
      nans = nans + excluded.nans,
      min = CASE WHEN min IS NULL OR excluded.min < min THEN excluded.min ELSE min END,
      max = CASE WHEN max IS NULL OR excluded.max > max THEN excluded.max ELSE max END,
      first = CASE WHEN excluded.first_step < first_step THEN excluded.first ELSE first END,
      first_step = min(first_step, excluded.first_step),
      last = CASE WHEN excluded.last_step >= last_step THEN excluded.last ELSE last END,
      last_step = max(last_step, excluded.last_step)`,
  runState: 'SELECT started, source, updated, sys_samples FROM runs WHERE rid = ?',
  param: 'INSERT OR REPLACE INTO params (rid, key, value, num) VALUES (?, ?, ?, ?)',
  tagAdd: 'INSERT OR IGNORE INTO tags (rid, tag) VALUES (?, ?)',
  tagRemove: 'DELETE FROM tags WHERE rid = ? AND tag = ?',
  artifact: 'INSERT INTO artifacts (rid, name, kind, hash, size, source, t) VALUES (?, ?, ?, ?, ?, ?, ?)',
  artifactFile: 'INSERT OR REPLACE INTO artifact_files (aid, path, hash, size) VALUES (?, ?, ?, ?)',
  image:
    'INSERT OR REPLACE INTO images (rid, key, step, hash, format, size, width, height, t) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  dataset: 'INSERT INTO datasets (rid, name, path, hash, size, columns, t) VALUES (?, ?, ?, ?, ?, ?, ?)',
  datasetFile: 'INSERT OR REPLACE INTO dataset_files (did, path, hash, size) VALUES (?, ?, ?, ?)',
  codeFile: 'INSERT OR REPLACE INTO code_files (rid, path, hash, size, root, t) VALUES (?, ?, ?, ?, ?, ?)',
  runModel: 'INSERT OR REPLACE INTO run_models (rid, name, hash, version, t) VALUES (?, ?, ?, ?, ?)',
  modelRef: 'INSERT OR REPLACE INTO model_refs (rid, name, version, ref, hash, t) VALUES (?, ?, ?, ?, ?, ?)',
};

const TERMINAL = new Set(['finished', 'failed', 'stopped', 'crashed']);

function newKeyState(kid: number, row: SummaryRow | undefined): KeyState {
  return {
    kid,
    count: row?.count ?? 0,
    nans: row?.nans ?? 0,
    min: nz(row?.min ?? null),
    max: nz(row?.max ?? null),
    firstStep: row?.first_step ?? 0,
    lastStep: row?.last_step ?? 0,
    lastSeq: row?.last_seq ?? 0,
    last: nz(row?.last ?? null),
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

function nz(x: number | null): number {
  return x === null ? Number.NaN : x;
}

function dbNum(x: number): number | null {
  return x !== x ? null : x;
}

/** Applies `events` (with their 1-based `lines`) to run `rid`. Returns the number of points written. */
export function applyEvents(store: Store, rid: number, events: readonly ParsedEvent[], lines: readonly number[]): number {
  if (events.length === 0) return 0;
  const keys = new Map<string, KeyState>();
  const nextSeq = store.stmt(SQL.nextSeq).pluck();
  const run = store.stmt(SQL.runState).get(rid) as { started: number | null; source: string | null; updated: number | null; sys_samples: number };
  const patch: RunPatch = {};
  let sysStep = run.sys_samples;
  let points = 0;
  let maxT = run.updated ?? Number.NEGATIVE_INFINITY;

  const keyState = (key: string): KeyState => {
    let st = keys.get(key);
    if (st) return st;
    const kid = keyId(store, key, true);
    st = newKeyState(kid, store.stmt(SQL.summary).get(rid, kid) as SummaryRow | undefined);
    keys.set(key, st);
    return st;
  };

  const addPoint = (st: KeyState, step: number, value: number, t: number, epoch: number | null, seq: number): void => {
    // Every value is kept: its sequence within the step orders values logged at one step.
    let within: number;
    if (st.count === 0 || step > st.lastStep) within = 0;
    else if (step === st.lastStep) within = st.lastSeq + 1;
    else {
      // Out of order: values at this step may be in the index and earlier in this batch.
      st.batchCounts ??= batchCounts(st);
      within = (nextSeq.get(rid, st.kid, step) as number) + (st.batchCounts.get(step) ?? 0);
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
        for (const key in values) addPoint(keyState(key), ev.step, values[key], ev.t, epoch, seqBase + Math.min(k++, 65535));
        break;
      }
      case 'sys': {
        const step = sysStep++;
        const values = ev.values;
        let k = 0;
        for (const key in values) addPoint(keyState(`sys/${key}`), step, values[key], ev.t, null, seqBase + Math.min(k++, 65535));
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
        if (ev.params) writeParams(store, rid, ev.params);
        if (ev.tags) for (const tag of ev.tags) store.stmt(SQL.tagAdd).run(rid, tag);
        break;
      }
      case 'params':
        writeParams(store, rid, ev.values);
        break;
      case 'status':
        patch.status = ev.status;
        patch.exit_code = typeof ev.exit_code === 'number' ? ev.exit_code : null;
        patch.error = typeof ev.error === 'string' ? ev.error : null;
        patch.ended = TERMINAL.has(ev.status) ? ev.t : null;
        break;
      case 'tags':
        for (const tag of ev.add ?? []) store.stmt(SQL.tagAdd).run(rid, tag);
        for (const tag of ev.remove ?? []) store.stmt(SQL.tagRemove).run(rid, tag);
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
      case 'artifact': {
        const aid = store.stmt(SQL.artifact).run(rid, ev.name, ev.kind, ev.hash, ev.size, ev.source ?? null, ev.t).lastInsertRowid;
        for (const f of ev.files ?? []) store.stmt(SQL.artifactFile).run(aid, f.path, f.hash, f.size);
        break;
      }
      case 'image':
        store
          .stmt(SQL.image)
          .run(rid, ev.key, ev.step, ev.hash, ev.format, ev.size, ev.width ?? null, ev.height ?? null, ev.t);
        break;
      case 'dataset': {
        const columns = ev.columns === undefined || ev.columns === null ? null : JSON.stringify(ev.columns);
        const did = store.stmt(SQL.dataset).run(rid, ev.name, ev.path, ev.hash, ev.size, columns, ev.t).lastInsertRowid;
        for (const f of ev.files) store.stmt(SQL.datasetFile).run(did, f.path, f.hash, f.size);
        break;
      }
      case 'code':
        for (const f of ev.files) store.stmt(SQL.codeFile).run(rid, f.path, f.hash, f.size, ev.root ?? null, ev.t);
        break;
      // Versions come from the registry (src/core/models/modelSync.ts); this links the run.
      case 'model':
        store.stmt(SQL.runModel).run(rid, ev.name, ev.hash, ev.version ?? null, ev.t);
        break;
      case 'model_ref':
        store.stmt(SQL.modelRef).run(rid, ev.name, ev.version, ev.ref ?? null, ev.hash ?? null, ev.t);
        break;
      case 'alias':
      case 'gate':
        break; // only meaningful in a model's own logs
    }
  }

  if (run.started === null) patch.started = events[0].t;
  if (Number.isFinite(maxT)) patch.updated = maxT;
  writeRunPatch(store, rid, patch);
  for (const st of keys.values()) flushKey(store, rid, st);
  return points;
}

function batchCounts(st: KeyState): Map<number, number> {
  const counts = new Map<number, number>();
  for (let o = 0; o < 5 * st.n; o += 5) counts.set(st.pending[o], (counts.get(st.pending[o]) ?? 0) + 1);
  return counts;
}

function writeParams(store: Store, rid: number, values: Record<string, unknown>): void {
  const stmt = store.stmt(SQL.param);
  for (const key in values) {
    const v = values[key];
    stmt.run(rid, key, JSON.stringify(v ?? null), typeof v === 'number' ? v : null);
  }
}

function writeRunPatch(store: Store, rid: number, patch: RunPatch): void {
  const cols = Object.keys(patch).sort();
  if (cols.length === 0) return;
  const sql = `UPDATE runs SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE rid = ?`;
  store.stmt(sql).run(...cols.map((c) => patch[c]), rid);
}

function flushKey(store: Store, rid: number, st: KeyState): void {
  const { kid, pending: p } = st;
  const points = new MultiRowInsert(store, SQL.pointsHead, 7);
  for (let o = 0; o < 5 * st.n; o += 5) {
    points.cell(rid);
    points.cell(kid);
    points.cell(p[o]);
    points.cell(p[o + 1]);
    points.cell(p[o + 2]);
    points.cell(p[o + 3]);
    points.cell(p[o + 4]);
    points.endRow();
  }
  points.flush();
  if (st.cur !== null) st.aggs.push(st.cur);
  let aggs = st.unordered ? normalizeAggs(st.aggs) : st.aggs;
  const lod = store.stmt(`${SQL.lodHead} (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${SQL.lodMerge}`);
  for (let level = 1; level <= LOD_LEVELS; level++) {
    if (level > 1) aggs = coarsen(aggs);
    for (const a of aggs) lod.run(rid, kid, level, a.bucket, a.count, a.nans, dbNum(a.min), dbNum(a.max), a.firstStep, a.lastStep, dbNum(a.first), dbNum(a.last));
  }
  if (st.count > 0) {
    store
      .stmt(SQL.saveSummary)
      .run(rid, st.kid, st.count, st.nans, dbNum(st.min), dbNum(st.max), st.firstStep, st.lastStep, st.lastSeq, dbNum(st.last), st.t, st.seq);
  }
  st.aggs = [];
  st.cur = null;
}
