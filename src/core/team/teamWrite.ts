// Writes one folded chunk of a run into the team index, inside the caller's transaction:
// points by a binary COPY, everything else by a few statements over unnest()ed arrays (no statement
// per row, no SQL text built from values).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { BadLine } from '../eventReader';
import type pg from 'pg';
import type { TeamClient } from './teamDb';
import { bucketWidth } from '../lod';
import type { Folded } from './teamFold';
import { pgSafeAll } from './teamText';

/** Bad lines kept with their message per run, as in the local index (all are counted). */
export const MAX_STORED_BAD_PER_RUN = 1000;

/** NaN as NULL, as the local index stores it. */
function db(x: number): number | null {
  return x !== x ? null : x;
}

// Points travel as COPY's binary format: no number is turned into text and parsed back,
// which is most of a text COPY's cost on both sides. A tuple is its field count, then each
// field's length (-1: NULL) and big-endian bytes.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 7;
/** The largest tuple: count, rid int8, kid int4, step float8, seq int4, value/t/epoch float8. */
const TUPLE_MAX = 2 + 12 + 8 + 12 + 8 + 3 * 12;
const BUFFER_BYTES = 1 << 20;

/** A double, or NULL for NaN (as the local index stores it); -0 as 0, as the local index reads it back. */
function putDouble(v: DataView, o: number, x: number): number {
  if (x !== x) {
    v.setInt32(o, -1);
    return o + 4;
  }
  v.setInt32(o, 8);
  v.setFloat64(o + 4, x === 0 ? 0 : x);
  return o + 12;
}

/** Points of every key as COPY binary, about 1 MB at a time. */
function* copyBinary(rid: number, f: Folded, kids: ReadonlyMap<string, number>): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(BUFFER_BYTES);
  let v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  SIGNATURE.copy(buf, 0);
  v.setInt32(11, 0); // flags
  v.setInt32(15, 0); // header extension
  let o = 19;
  const ridHi = Math.floor(rid / 2 ** 32);
  const ridLo = rid % 2 ** 32;
  for (const k of f.keys.values()) {
    const kid = kids.get(k.key)!;
    const p = k.points;
    for (let i = 0; i < 5 * k.n; i += 5) {
      if (o + TUPLE_MAX > BUFFER_BYTES) {
        yield buf.subarray(0, o);
        buf = Buffer.allocUnsafe(BUFFER_BYTES);
        v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        o = 0;
      }
      v.setInt16(o, FIELDS);
      v.setInt32(o + 2, 8);
      v.setInt32(o + 6, ridHi);
      v.setUint32(o + 10, ridLo);
      v.setInt32(o + 14, 4);
      v.setInt32(o + 18, kid);
      v.setInt32(o + 22, 8);
      v.setFloat64(o + 26, p[i] === 0 ? 0 : p[i]);
      v.setInt32(o + 34, 4);
      v.setInt32(o + 38, p[i + 1]);
      o = putDouble(v, o + 42, p[i + 2]);
      o = putDouble(v, o, p[i + 3]);
      o = putDouble(v, o, p[i + 4]);
    }
  }
  if (o + 2 > BUFFER_BYTES) {
    yield buf.subarray(0, o);
    buf = Buffer.allocUnsafe(2);
    v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    o = 0;
  }
  v.setInt16(o, -1); // trailer
  yield buf.subarray(0, o + 2);
}

async function copyPoints(c: TeamClient, rid: number, f: Folded, kids: ReadonlyMap<string, number>): Promise<void> {
  if (f.points === 0) return;
  const stream = c.query(copyFrom('COPY trackside.points (rid, kid, step, seq, value, t, epoch) FROM STDIN WITH (FORMAT binary)'));
  await pipeline(Readable.from(copyBinary(rid, f, kids)), stream);
}

const SQL = {
  lod: `INSERT INTO trackside.lod (rid, kid, level, bucket, count, nans, min, max, first_step, last_step, first, last, first_t, first_epoch, last_t, last_epoch, edge_times)
    SELECT $1, *, true FROM unnest($2::int[], $3::int2[], $4::float8[], $5::int8[], $6::int8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[],
      $13::float8[], $14::float8[], $15::float8[], $16::float8[])
    ON CONFLICT (rid, kid, level, bucket) DO UPDATE SET
      count = lod.count + excluded.count,
      nans = lod.nans + excluded.nans,
      min = CASE WHEN lod.min IS NULL OR excluded.min < lod.min THEN excluded.min ELSE lod.min END,
      max = CASE WHEN lod.max IS NULL OR excluded.max > lod.max THEN excluded.max ELSE lod.max END,
      first = CASE WHEN excluded.first_step < lod.first_step THEN excluded.first ELSE lod.first END,
      first_t = CASE WHEN excluded.first_step < lod.first_step THEN excluded.first_t ELSE lod.first_t END,
      first_epoch = CASE WHEN excluded.first_step < lod.first_step THEN excluded.first_epoch ELSE lod.first_epoch END,
      first_step = least(lod.first_step, excluded.first_step),
      last = CASE WHEN excluded.last_step >= lod.last_step THEN excluded.last ELSE lod.last END,
      last_t = CASE WHEN excluded.last_step >= lod.last_step THEN excluded.last_t ELSE lod.last_t END,
      last_epoch = CASE WHEN excluded.last_step >= lod.last_step THEN excluded.last_epoch ELSE lod.last_epoch END,
      last_step = greatest(lod.last_step, excluded.last_step),
      edge_times = lod.edge_times AND excluded.edge_times`,
  summaries: `INSERT INTO trackside.summaries (rid, kid, count, nans, min, max, first_step, last_step, last_seq, last, t, seq)
    SELECT $1, * FROM unnest($2::int[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::int[], $10::float8[], $11::float8[], $12::int8[])
    ON CONFLICT (rid, kid) DO UPDATE SET count = excluded.count, nans = excluded.nans, min = excluded.min, max = excluded.max,
      first_step = excluded.first_step, last_step = excluded.last_step, last_seq = excluded.last_seq, last = excluded.last, t = excluded.t, seq = excluded.seq`,
  params: `INSERT INTO trackside.params (rid, key, value, num, txt, is_text)
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::bool[])
    ON CONFLICT (rid, key) DO UPDATE SET value = excluded.value, num = excluded.num, txt = excluded.txt, is_text = excluded.is_text`,
  tagsAdd: 'INSERT INTO trackside.tags (rid, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
  tagsRemove: 'DELETE FROM trackside.tags WHERE rid = $1 AND tag = ANY($2::text[])',
  artifact: 'INSERT INTO trackside.artifacts (rid, name, kind, hash, size, source, t) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING aid',
  artifactFiles: `INSERT INTO trackside.artifact_files (aid, path, hash, size) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[])
    ON CONFLICT (aid, path) DO UPDATE SET hash = excluded.hash, size = excluded.size`,
  images: `INSERT INTO trackside.images (rid, key, step, hash, format, size, width, height, t)
    SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
    ON CONFLICT (rid, key, step) DO UPDATE SET hash = excluded.hash, format = excluded.format, size = excluded.size, width = excluded.width, height = excluded.height, t = excluded.t`,
  dataset: 'INSERT INTO trackside.datasets (rid, name, path, hash, size, columns, t) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING did',
  datasetFiles: `INSERT INTO trackside.dataset_files (did, path, hash, size) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[])
    ON CONFLICT (did, path) DO UPDATE SET hash = excluded.hash, size = excluded.size`,
  code: `INSERT INTO trackside.code_files (rid, path, hash, size, root, t) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::float8[])
    ON CONFLICT (rid, path) DO UPDATE SET hash = excluded.hash, size = excluded.size, root = excluded.root, t = excluded.t`,
  runModels: `INSERT INTO trackside.run_models (rid, name, hash, version, t) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[])
    ON CONFLICT (rid, name, hash) DO UPDATE SET version = excluded.version, t = excluded.t`,
  modelRef: `INSERT INTO trackside.model_refs (rid, name, version, ref, hash, t) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (rid) DO UPDATE SET name = excluded.name, version = excluded.version, ref = excluded.ref, hash = excluded.hash, t = excluded.t`,
  badLines: `INSERT INTO trackside.bad_lines (rid, line, message) SELECT $1, * FROM unnest($2::int8[], $3::text[])
    ON CONFLICT (rid, line) DO UPDATE SET message = excluded.message`,
};

/**
 * Per level (1..levels), per bucket: the step, seq, time and epoch of the bucket's first
 * point (lowest step, then lowest seq) and of its last (highest step, then highest seq) among
 * `points` (step, seq, value, t, epoch quintuples), as [fs, fseq, ft, fe, ls, lseq, lt, le].
 */
export function edgeTimes(points: Float64Array, n: number, levels: number): Map<number, Float64Array>[] {
  const out: Map<number, Float64Array>[] = [];
  for (let level = 1; level <= levels; level++) {
    const w = bucketWidth(level);
    const by = new Map<number, Float64Array>();
    let curBucket = Number.NaN;
    let cur: Float64Array | undefined;
    for (let o = 0; o < 5 * n; o += 5) {
      const step = points[o];
      const seq = points[o + 1];
      const b = Math.floor(step / w);
      if (b !== curBucket) {
        curBucket = b;
        cur = by.get(b);
        if (!cur) {
          by.set(b, (cur = Float64Array.of(step, seq, points[o + 3], points[o + 4], step, seq, points[o + 3], points[o + 4])));
          continue;
        }
      }
      const e = cur!;
      if (step < e[0] || (step === e[0] && seq < e[1])) {
        e[0] = step;
        e[1] = seq;
        e[2] = points[o + 3];
        e[3] = points[o + 4];
      }
      if (step > e[4] || (step === e[4] && seq > e[5])) {
        e[4] = step;
        e[5] = seq;
        e[6] = points[o + 3];
        e[7] = points[o + 4];
      }
    }
    out.push(by);
  }
  return out;
}

/** A param as SQLite's json_extract(value, '$') gives it, and whether that is text (strings, objects, arrays). */
export function paramText(json: string): [string | null, boolean] {
  const v = JSON.parse(json) as unknown;
  if (v === null) return [null, false];
  if (typeof v === 'string') return [v, true];
  if (typeof v === 'boolean') return [v ? '1' : '0', false];
  if (typeof v === 'number') return [String(v), false];
  return [JSON.stringify(v), true];
}

/** Where the chunk leaves the run's log: the columns set with its rows. */
export interface LogPosition {
  offset: number;
  lines: number;
  /** Bad lines counted before this chunk. */
  badBefore: number;
  bad: readonly BadLine[];
}

/** Writes the chunk's rows of run `rid` and the run's new log position (in the caller's transaction). */
export async function writeFolded(client: TeamClient, rid: number, f: Folded, kids: ReadonlyMap<string, number>, log: LogPosition): Promise<void> {
  await copyPoints(client, rid, f, kids);
  const c = { query: <R extends object = Record<string, unknown>>(sql: string, params: unknown[]) => client.query<R & pg.QueryResultRow>(sql, pgSafeAll(params)) };

  if (f.keys.size) {
    const lod: (number | null)[][] = Array.from({ length: 15 }, () => []);
    const sum: (number | null)[][] = Array.from({ length: 11 }, () => []);
    for (const k of f.keys.values()) {
      const kid = kids.get(k.key)!;
      const times = edgeTimes(k.points, k.n, k.lod.length);
      k.lod.forEach((aggs, i) => {
        for (const a of aggs) {
          const e = times[i].get(a.bucket);
          const row = [kid, i + 1, a.bucket, a.count, a.nans, db(a.min), db(a.max), a.firstStep, a.lastStep, db(a.first), db(a.last), e ? db(e[2]) : null, e ? db(e[3]) : null, e ? db(e[6]) : null, e ? db(e[7]) : null];
          for (let j = 0; j < 15; j++) lod[j].push(row[j]);
        }
      });
      const s = k.summary;
      if (s.count > 0) {
        const row = [kid, s.count, s.nans, s.min, s.max, s.first_step, s.last_step, s.last_seq, s.last, s.t, s.seq];
        for (let j = 0; j < 11; j++) sum[j].push(row[j]);
      }
    }
    if (lod[0].length) await c.query(SQL.lod, [rid, ...lod]);
    if (sum[0].length) await c.query(SQL.summaries, [rid, ...sum]);
  }

  if (f.params.size) {
    const keys: string[] = [];
    const values: string[] = [];
    const nums: (number | null)[] = [];
    const texts: (string | null)[] = [];
    const isText: boolean[] = [];
    for (const [key, [json, num]] of f.params) {
      const [txt, text] = paramText(json);
      keys.push(key);
      values.push(json);
      nums.push(num);
      texts.push(txt);
      isText.push(text);
    }
    await c.query(SQL.params, [rid, keys, values, nums, texts, isText]);
  }

  const added = [...f.tags].filter(([, on]) => on).map(([t]) => t);
  const removed = [...f.tags].filter(([, on]) => !on).map(([t]) => t);
  if (added.length) await c.query(SQL.tagsAdd, [rid, added]);
  if (removed.length) await c.query(SQL.tagsRemove, [rid, removed]);

  for (const a of f.artifacts) {
    const aid = (await c.query<{ aid: number }>(SQL.artifact, [rid, a.name, a.kind, a.hash, a.size, a.source, a.t])).rows[0].aid;
    if (a.files.length) await c.query(SQL.artifactFiles, [aid, a.files.map((x) => x.path), a.files.map((x) => x.hash), a.files.map((x) => x.size)]);
  }
  if (f.images.size) {
    const im = [...f.images.values()];
    await c.query(SQL.images, [rid, im.map((i) => i.key), im.map((i) => i.step), im.map((i) => i.hash), im.map((i) => i.format), im.map((i) => i.size), im.map((i) => i.width), im.map((i) => i.height), im.map((i) => i.t)]);
  }
  for (const d of f.datasets) {
    const did = (await c.query<{ did: number }>(SQL.dataset, [rid, d.name, d.path, d.hash, d.size, d.columns, d.t])).rows[0].did;
    if (d.files.length) await c.query(SQL.datasetFiles, [did, d.files.map((x) => x.path), d.files.map((x) => x.hash), d.files.map((x) => x.size)]);
  }
  if (f.code.size) {
    const files = [...f.code.values()];
    await c.query(SQL.code, [rid, files.map((x) => x.path), files.map((x) => x.hash), files.map((x) => x.size), files.map((x) => x.root), files.map((x) => x.t)]);
  }
  if (f.runModels.size) {
    const ms = [...f.runModels.values()];
    await c.query(SQL.runModels, [rid, ms.map((m) => m.name), ms.map((m) => m.hash), ms.map((m) => m.version), ms.map((m) => m.t)]);
  }
  if (f.modelRef) {
    const r = f.modelRef;
    await c.query(SQL.modelRef, [rid, r.name, r.version, r.ref, r.hash, r.t]);
  }
  const kept = log.bad.slice(0, Math.max(0, MAX_STORED_BAD_PER_RUN - log.badBefore));
  if (kept.length) await c.query(SQL.badLines, [rid, kept.map((b) => b.line), kept.map((b) => b.message)]);

  const patch: Record<string, string | number | null> = { ...f.patch };
  const cols = Object.keys(patch).sort();
  const sets = cols.map((col, i) => `${col} = $${i + 5}`);
  await c.query(
    `UPDATE trackside.runs SET log_offset = $2, log_lines = $3, log_bad = log_bad + $4, pushed_at = now(), change = nextval('trackside.changes')${sets.length ? `, ${sets.join(', ')}` : ''} WHERE rid = $1`,
    [rid, log.offset, log.lines, log.bad.length, ...cols.map((col) => patch[col])],
  );
}
