// Chart-ready min/max buckets of a team run's series, grouped in PostgreSQL from the
// level-of-detail rows pushed with the run: a 1M-point series costs one grouped query over a
// few thousand rows, never a read of its points. Buckets are the ones series.ts gives for
// the local index (aligned to multiples of the bucket width, refined at zoom edges down to
// raw points), so a team run draws exactly as it did locally. Level rows pushed by this
// version also carry the time and epoch of their first and last point: the chart's bucket
// edges then come with the buckets, without a look-up of points.
import { LOD_BASE, type ValueStatsRow, bucketWidth } from '../lod';
import { BucketFold, type PointRow, type Series, type SeriesOptions, exactSeries, planBuckets, seriesOf } from '../series';
import type { TeamDb } from './teamDb';

type LodRow = ValueStatsRow & {
  g: number;
  first: number | null;
  last: number | null;
  first_t: number | null;
  first_epoch: number | null;
  last_t: number | null;
  last_epoch: number | null;
  edge_times: boolean;
};

/** A point at a bucket edge: step, seq (for a level row's edges: below or above any real seq), time, epoch. */
export type TeamEdgeRow = [step: number, seq: number, t: number | null, epoch: number | null];

/** A series and, when every level row read had them, the times and epochs at its pieces' edges. */
export interface TeamSeriesAnswer {
  series: Series;
  edges: TeamEdgeRow[] | undefined;
}

const BEFORE_ANY_SEQ = -1;
const AFTER_ANY_SEQ = 2 ** 31;

const SQL_EXTENT = `SELECT s.rid, s.kid, s.first_step, s.last_step, s.count FROM trackside.runs r
  JOIN trackside.metric_keys k ON k.key = $2 JOIN trackside.summaries s ON s.rid = r.rid AND s.kid = k.kid WHERE r.id = $1`;
const SQL_POINTS = `SELECT step, seq, value, t, epoch FROM trackside.points WHERE rid = $1 AND kid = $2 AND step >= $3 AND step <= $4 AND step < $5 ORDER BY step, seq`;
/**
 * Level rows wholly inside [a, b], grouped k level buckets to an output bucket. A group's
 * first and last values (and their times) are those of its lowest and highest bucket, read
 * by key rather than sorted out of every row (one index look-up each: OFFSET 0 keeps the
 * planner from joining whole scans, which it picks for a fresh push without statistics).
 */
const SQL_GROUPED = `WITH grp AS (
    SELECT floor(bucket / $4::float8) AS g, sum(count)::int8 AS count, sum(nans)::int8 AS nans, min(min) AS min, max(max) AS max,
      min(first_step) AS first_step, max(last_step) AS last_step, min(bucket) AS b0, max(bucket) AS b1
    FROM trackside.lod WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket >= $5 AND bucket <= $6 AND first_step >= $7 AND last_step <= $8
    GROUP BY 1)
  SELECT grp.g, grp.count, grp.nans, grp.min, grp.max, grp.first_step, grp.last_step, f.first, l.last,
    f.first_t, f.first_epoch, l.last_t, l.last_epoch, f.edge_times AND l.edge_times AS edge_times
  FROM grp
    CROSS JOIN LATERAL (SELECT first, first_t, first_epoch, edge_times FROM trackside.lod WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket = grp.b0 OFFSET 0) f
    CROSS JOIN LATERAL (SELECT last, last_t, last_epoch, edge_times FROM trackside.lod WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket = grp.b1 OFFSET 0) l
  ORDER BY grp.g`;
/** Level rows in a bucket range: (bucket as g) for the edges' refinement. */
const SQL_LEVEL = `SELECT bucket AS g, count, nans, min, max, first_step, last_step, first, last, first_t, first_epoch, last_t, last_epoch, edge_times FROM trackside.lod
  WHERE rid = $1 AND kid = $2 AND level = $3 AND bucket >= $4 AND bucket <= $5 ORDER BY bucket`;

function n(x: number | null): number {
  return x === null ? Number.NaN : x;
}

/** A piece of an output bucket (a level row or a point), folded in step order at the end. */
type Piece = [g: number, count: number, nans: number, min: number, max: number, firstStep: number, lastStep: number, first: number, last: number];

export async function teamSeries(db: TeamDb, runId: string, key: string, opts: SeriesOptions = {}): Promise<Series> {
  return (await teamSeriesWithEdges(db, runId, key, opts)).series;
}

export async function teamSeriesWithEdges(db: TeamDb, runId: string, key: string, opts: SeriesOptions = {}): Promise<TeamSeriesAnswer> {
  let edges: TeamEdgeRow[] | undefined = [];
  const answer = (series: Series): TeamSeriesAnswer => ({ series, edges });
  const maxBuckets = Math.max(1, Math.floor(opts.maxBuckets ?? 1000));
  const extent = (await db.query<{ rid: number; kid: number; first_step: number; last_step: number; count: number }>(SQL_EXTENT, [runId, key]))[0];
  if (!extent) return answer(seriesOf(key, [], 0, 0, true));
  const { rid, kid } = extent;
  const a = Math.max(opts.xMin ?? extent.first_step, extent.first_step);
  const b = Math.min(opts.xMax ?? extent.last_step, extent.last_step);
  if (!(a <= b)) return answer(seriesOf(key, [], 0, 0, true));
  const readPoints = async (lo: number, hi: number, below = Number.POSITIVE_INFINITY): Promise<PointRow[]> => {
    const rows = await db.query<{ step: number; seq: number; value: number | null; t: number | null; epoch: number | null }>(SQL_POINTS, [rid, kid, lo, hi, below]);
    for (const r of rows) edges?.push([r.step, r.seq, r.t, r.epoch]);
    return rows.map((r): PointRow => [r.step, r.value]);
  };

  const whole = a === extent.first_step && b === extent.last_step;
  if (whole && extent.count <= maxBuckets) return answer(exactSeries(key, await readPoints(a, b)));

  const { level, width: w, ia, ib, k } = planBuckets(a, b, maxBuckets);
  const pieces: Piece[] = [];
  const piece = (g: number, r: LodRow): void => {
    pieces.push([g, r.count, r.nans, n(r.min), n(r.max), r.first_step, r.last_step, n(r.first), n(r.last)]);
    if (!r.edge_times) edges = undefined;
    edges?.push([r.first_step, BEFORE_ANY_SEQ, r.first_t, r.first_epoch], [r.last_step, AFTER_ANY_SEQ, r.last_t, r.last_epoch]);
  };
  const pointPieces = (rows: PointRow[], owner: number | undefined): void => {
    for (const [step, value] of rows) {
      const v = n(value);
      pieces.push([Math.floor((owner ?? Math.floor(step)) / k), 1, v === v ? 0 : 1, v, v, step, step, v, v]);
    }
  };

  if (level === 0) {
    const rows = await readPoints(a, b);
    if (rows.length <= maxBuckets) return answer(exactSeries(key, rows));
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
  pieces.sort((x, y) => x[0] - y[0] || x[5] - y[5]);
  const fold = new BucketFold();
  for (const p of pieces) fold.add(...p);
  return answer(seriesOf(key, fold.out, level, w * k, false));
}
