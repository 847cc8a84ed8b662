// Applies a batch of parsed events of one run to the index. Called inside the ingest
// transaction. The fold (eventFold.ts) gathers points per key and aggregates summaries and
// level-of-detail buckets over the batch; here points are written key by key through
// multi-row inserts, each (key, bucket) once, and the run's fields in one UPDATE.
import { type KeyState, type RunPatch, type SummaryRow, dbNum, foldRunEvents, keyLod, keySummary, newKeyState } from './eventFold';
import type { ParsedEvent } from './eventParse';
import { type Store, keyId } from './store';

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

/** Applies `events` (with their 1-based `lines`) to run `rid`. Returns the number of points written. */
export function applyEvents(store: Store, rid: number, events: readonly ParsedEvent[], lines: readonly number[]): number {
  if (events.length === 0) return 0;
  const keys = new Map<string, { kid: number; st: KeyState }>();
  const nextSeq = store.stmt(SQL.nextSeq).pluck();
  const run = store.stmt(SQL.runState).get(rid) as { started: number | null; source: string | null; updated: number | null; sys_samples: number };
  const keyOf = (key: string): { kid: number; st: KeyState } => {
    let k = keys.get(key);
    if (!k) {
      const kid = keyId(store, key, true);
      keys.set(key, (k = { kid, st: newKeyState(store.stmt(SQL.summary).get(rid, kid) as SummaryRow | undefined) }));
    }
    return k;
  };
  const { patch, points } = foldRunEvents(events, lines, { started: run.started, source: run.source, updated: run.updated, sysSamples: run.sys_samples }, {
    key: (key) => keyOf(key).st,
    nextSeq: (key, step) => nextSeq.get(rid, keyOf(key).kid, step) as number,
    params: (values) => writeParams(store, rid, values),
    tag: (tag, present) => store.stmt(present ? SQL.tagAdd : SQL.tagRemove).run(rid, tag),
    artifact: (ev) => {
      const aid = store.stmt(SQL.artifact).run(rid, ev.name, ev.kind, ev.hash, ev.size, ev.source ?? null, ev.t).lastInsertRowid;
      for (const f of ev.files ?? []) store.stmt(SQL.artifactFile).run(aid, f.path, f.hash, f.size);
    },
    image: (ev) => store.stmt(SQL.image).run(rid, ev.key, ev.step, ev.hash, ev.format, ev.size, ev.width ?? null, ev.height ?? null, ev.t),
    dataset: (ev, columns) => {
      const did = store.stmt(SQL.dataset).run(rid, ev.name, ev.path, ev.hash, ev.size, columns, ev.t).lastInsertRowid;
      for (const f of ev.files) store.stmt(SQL.datasetFile).run(did, f.path, f.hash, f.size);
    },
    code: (ev) => {
      for (const f of ev.files) store.stmt(SQL.codeFile).run(rid, f.path, f.hash, f.size, ev.root ?? null, ev.t);
    },
    model: (ev) => store.stmt(SQL.runModel).run(rid, ev.name, ev.hash, ev.version ?? null, ev.t),
    modelRef: (ev) => store.stmt(SQL.modelRef).run(rid, ev.name, ev.version, ev.ref ?? null, ev.hash ?? null, ev.t),
  });
  writeRunPatch(store, rid, patch);
  for (const { kid, st } of keys.values()) flushKey(store, rid, kid, st);
  return points;
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

const PER_STATEMENT = 64;

function pointsSql(rows: number): string {
  return `${SQL.pointsHead} ${new Array(rows).fill('(@rid, @kid, ?, ?, ?, ?, ?)').join(', ')}`;
}

const FULL_POINTS_SQL = pointsSql(PER_STATEMENT);

/** A key's points, 64 rows per INSERT (one call into SQLite, not one per row); the run and key are bound once per statement. */
function writePoints(store: Store, rid: number, kid: number, p: Float64Array, n: number): void {
  const named = { rid, kid };
  const args: unknown[] = new Array(5 * PER_STATEMENT);
  const full = store.stmt(FULL_POINTS_SQL);
  let o = 0;
  for (; o + PER_STATEMENT <= n; o += PER_STATEMENT) {
    for (let i = 0; i < 5 * PER_STATEMENT; i++) args[i] = p[5 * o + i];
    full.run(named, ...args);
  }
  if (o < n) store.stmt(pointsSql(n - o)).run(named, ...p.subarray(5 * o, 5 * n));
}

function flushKey(store: Store, rid: number, kid: number, st: KeyState): void {
  writePoints(store, rid, kid, st.pending, st.n);
  const lod = store.stmt(`${SQL.lodHead} (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${SQL.lodMerge}`);
  keyLod(st).forEach((aggs, i) => {
    for (const a of aggs) lod.run(rid, kid, i + 1, a.bucket, a.count, a.nans, dbNum(a.min), dbNum(a.max), a.firstStep, a.lastStep, dbNum(a.first), dbNum(a.last));
  });
  if (st.count > 0) {
    const r = keySummary(st);
    store.stmt(SQL.saveSummary).run(rid, kid, r.count, r.nans, r.min, r.max, r.first_step, r.last_step, r.last_seq, r.last, r.t, r.seq);
  }
}
