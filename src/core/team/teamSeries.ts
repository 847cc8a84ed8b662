// Chart-ready min/max buckets of a team run's series, grouped in PostgreSQL from the
// level-of-detail rows pushed with the run: a 1M-point series costs one grouped query over a
// few thousand rows, never a read of its points. Buckets are the ones series.ts gives for
// the local index (aligned to multiples of the bucket width, refined at zoom edges down to
// raw points), so a team run draws exactly as it did locally.
import { type Agg, LOD_BASE, LOD_LEVELS, bucketWidth } from '../lod';
import type { Series, SeriesOptions } from '../series';
import type { TeamDb } from './teamDb';

type PointRow = { step: number; value: number | null };
type LodRow = { g: number; count: number; nans: number; min: number | null; max: number | null; first_step: number; last_step: number; first: number | null; last: number | null };

const SQL_EXTENT = `SELECT s.rid, s.kid, s.first_step, s.last_step, s.count FROM trackside.runs r
  JOIN trackside.metric_keys k ON k.key = $2 JOIN trackside.summaries s ON s.rid = r.rid AND s.kid = k.kid WHERE r.id = $1`;
const SQL_POINTS = `SELECT step, value FROM trackside.points WHERE rid = $1 AND kid = $2 AND step >= $3 AND step <= $4 AND step < $5 ORDER BY step, seq`;
/** Level rows wholly inside [a, b], grouped k level buckets to an output bucket. */
const SQL_GROUPED = `SELECT floor(bucket / $4::float8) AS g, sum(count)::int8 AS count, sum(nans)::int8 AS nans, min(min) AS min, max(max) AS max,
    min(first_step) AS first_step, max(last_step) AS last_step,
    (array_agg(first ORDER BY first_step))[1] AS first, (array_agg(last ORDER BY last_step DESC))[1] AS last
  FROM trackside.lod WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket >= $5 AND bucket <= $6 AND first_step >= $7 AND last_step <= $8
  GROUP BY 1 ORDER BY 1`;
/** Level rows in a bucket range: (bucket as g) for the edges' refinement. */
const SQL_LEVEL = `SELECT bucket AS g, count, nans, min, max, first_step, last_step, first, last FROM trackside.lod
  WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket >= $4 AND bucket <= $5 ORDER BY bucket`;

function n(x: number | null): number {
  return x === null ? Number.NaN : x;
}

export async function teamSeries(db: TeamDb, runId: string, key: string, opts: SeriesOptions = {}): Promise<Series> {
  const maxBuckets = Math.max(1, Math.floor(opts.maxBuckets ?? 1000));
  const extent = (await db.query<{ rid: number; kid: number; first_step: number; last_step: number; count: number }>(SQL_EXTENT, [runId, key]))[0];
  if (!extent) return build(key, [], 0, 0, true);
  const { rid, kid } = extent;
  const a = Math.max(opts.xMin ?? extent.first_step, extent.first_step);
  const b = Math.min(opts.xMax ?? extent.last_step, extent.last_step);
  if (!(a <= b)) return build(key, [], 0, 0, true);
  const readPoints = async (lo: number, hi: number, below = Number.POSITIVE_INFINITY): Promise<PointRow[]> => db.query<PointRow>(SQL_POINTS, [rid, kid, lo, hi, below]);

  const whole = a === extent.first_step && b === extent.last_step;
  if (whole && extent.count <= maxBuckets) return exact(key, await readPoints(a, b));

  const span = b - a;
  let level = 0;
  for (let l = LOD_LEVELS; l >= 1; l--) {
    if (bucketWidth(l) <= span / maxBuckets) {
      level = l;
      break;
    }
  }
  const w = bucketWidth(level);
  const ia = Math.floor(a / w);
  const ib = Math.floor(b / w);
  let k = Math.max(1, Math.ceil((ib - ia + 1) / maxBuckets));
  while (Math.floor(ib / k) - Math.floor(ia / k) + 1 > maxBuckets) k++;

  // Pieces of output buckets (bucket = output index), folded in step order at the end.
  const pieces: Agg[] = [];
  const piece = (g: number, r: LodRow): void => {
    pieces.push({ bucket: g, count: r.count, nans: r.nans, min: n(r.min), max: n(r.max), firstStep: r.first_step, lastStep: r.last_step, first: n(r.first), last: n(r.last) });
  };
  const pointPieces = (rows: PointRow[], owner: number | undefined): void => {
    for (const { step, value } of rows) {
      const v = n(value);
      pieces.push({ bucket: Math.floor((owner ?? Math.floor(step)) / k), count: 1, nans: v === v ? 0 : 1, min: v, max: v, firstStep: step, lastStep: step, first: v, last: v });
    }
  };

  if (level === 0) {
    const rows = await readPoints(a, b);
    if (rows.length <= maxBuckets) return exact(key, rows);
    pointPieces(rows, undefined);
  } else {
    // A level row sticking out of [a, b] is replaced by the finer rows inside (at level 1:
    // the raw points); only the first and last bucket of the range can stick out.
    const refine = async (l: number, lo: number, hi: number, owner: number): Promise<void> => {
      for (const r of await db.query<LodRow>(SQL_LEVEL, [rid, kid, l, lo, hi])) {
        if (r.first_step >= a && r.last_step <= b) piece(Math.floor(owner / k), r);
        else if (l > 1) {
          const fw = bucketWidth(l - 1);
          await refine(l - 1, Math.max(r.g * LOD_BASE, Math.floor(a / fw)), Math.min(r.g * LOD_BASE + LOD_BASE - 1, Math.floor(b / fw)), owner);
        } else {
          const lw = bucketWidth(1);
          pointPieces(await readPoints(Math.max(a, r.g * lw), b, (r.g + 1) * lw), owner);
        }
      }
    };
    const edges = async (bucket: number): Promise<void> => {
      const rows = await db.query<LodRow>(SQL_LEVEL, [rid, kid, level, bucket, bucket]);
      const r = rows[0];
      if (!r || (r.first_step >= a && r.last_step <= b)) return; // inside: the grouped query has it
      if (level > 1) {
        const fw = bucketWidth(level - 1);
        await refine(level - 1, Math.max(bucket * LOD_BASE, Math.floor(a / fw)), Math.min(bucket * LOD_BASE + LOD_BASE - 1, Math.floor(b / fw)), bucket);
      } else {
        pointPieces(await readPoints(Math.max(a, bucket * w), b, (bucket + 1) * w), bucket);
      }
    };
    const [grouped] = await Promise.all([
      db.query<LodRow>(SQL_GROUPED, [rid, kid, level, k, ia, ib, a, b]),
      edges(ia),
      ib !== ia ? edges(ib) : Promise.resolve(),
    ]);
    for (const r of grouped) piece(r.g, r);
  }
  pieces.sort((x, y) => x.bucket - y.bucket || x.firstStep - y.firstStep);
  return build(key, fold(pieces), level, w * k, false);
}

/** Pieces of the same output bucket, in step order, folded into one. */
function fold(pieces: Agg[]): Agg[] {
  const out: Agg[] = [];
  let cur: Agg | undefined;
  for (const p of pieces) {
    if (cur !== undefined && cur.bucket === p.bucket) {
      cur.count += p.count;
      cur.nans += p.nans;
      if (!(p.min >= cur.min) && p.min === p.min) cur.min = p.min;
      if (!(p.max <= cur.max) && p.max === p.max) cur.max = p.max;
      cur.lastStep = p.lastStep;
      cur.last = p.last;
    } else {
      cur = { ...p };
      out.push(cur);
    }
  }
  return out;
}

function exact(key: string, rows: PointRow[]): Series {
  return build(
    key,
    rows.map(({ step, value }) => {
      const v = n(value);
      return { bucket: 0, count: 1, nans: v === v ? 0 : 1, min: v, max: v, firstStep: step, lastStep: step, first: v, last: v };
    }),
    0,
    0,
    true,
  );
}

function build(key: string, aggs: Agg[], level: number, width: number, isExact: boolean): Series {
  const c = aggs.length;
  const s: Series = {
    key,
    count: c,
    points: 0,
    exact: isExact,
    level,
    bucketWidth: isExact ? 0 : width,
    steps: new Float64Array(c),
    lastSteps: new Float64Array(c),
    min: new Float64Array(c),
    max: new Float64Array(c),
    first: new Float64Array(c),
    last: new Float64Array(c),
    counts: new Uint32Array(c),
    nans: new Uint32Array(c),
    firstStep: c ? aggs[0].firstStep : Number.NaN,
    lastStep: c ? aggs[c - 1].lastStep : Number.NaN,
  };
  aggs.forEach((g, i) => {
    s.steps[i] = g.firstStep;
    s.lastSteps[i] = g.lastStep;
    s.min[i] = g.min;
    s.max[i] = g.max;
    s.first[i] = g.first;
    s.last[i] = g.last;
    s.counts[i] = g.count;
    s.nans[i] = g.nans;
    s.points += g.count;
  });
  return s;
}
