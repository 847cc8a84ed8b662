// Team runs as the Run and Compare panels show them: the same shapes as local runs (runView,
// seriesData, liveUpdate), read from the team index. Ids carry the "team:" prefix, so the
// panels' later requests for series come back here. Images are sent inline from the team
// folder (the webview may only load files from the extension and the workspace).
import { imageDataUrl } from '../core/imageData';
import { fromTeamId, toTeamId } from '../core/team/teamId';
import type { TeamDb } from '../core/team/teamDb';
import { getTeamRun, teamSummaries } from '../core/team/teamRuns';
import { teamSeriesWithEdges } from '../core/team/teamSeries';
import type { AppendedPoints, SeriesCursor, SeriesData, SeriesRequest } from '../protocol/series';
import type { RunView } from '../protocol/runView';
import type { LiveUpdate, SentSeries } from '../views/liveSeries';
import { toRunView } from '../views/runView';
import { type EdgeRow, chartBuckets, chartData, edgeSteps, isRanged, withEdgeTimes } from '../views/seriesData';

const MAX_APPEND = 2000;

export async function teamRunView(db: TeamDb, id: string): Promise<RunView | undefined> {
  const d = await getTeamRun(db, fromTeamId(id));
  if (!d) return undefined;
  // Images come inline from the team's blob folder (the webview may only load files from the extension and the workspace).
  const sameData = new Map<string, { id: string; name: string }[]>();
  for (const ds of d.datasets) {
    if (sameData.has(ds.hash)) continue;
    const rows = await db.query<{ id: string; name: string }>(SQL_SAME_DATA, [ds.hash, d.id]);
    sameData.set(ds.hash, rows.map((r) => ({ id: toTeamId(r.id), name: r.name })));
  }
  const v = toRunView(
    { ...d, id: toTeamId(d.id) },
    { imageSrc: (i) => (db.blobs ? imageDataUrl(db.blobs, i.hash, i.format) : undefined) ?? '', sameData: (hash) => sameData.get(hash) ?? [] },
  );
  // Whose run it is shows beside its name (a Compare may hold a local run of the same name).
  // Its tags, note and name are events of its own log: they change on the machine that has it.
  return {
    ...v,
    name: `${v.name} (${d.pushedBy})`,
    editedElsewhere: `A team run, pushed by ${d.pushedBy} from ${d.pushedHost}: its tags, note and name are edited there, in that workspace, and reach the team index with its next push.`,
  };
}

const SQL_SAME_DATA = `SELECT r.id, coalesce(r.name, r.id) AS name FROM trackside.runs r WHERE r.deleted = 0 AND r.id <> $2
  AND EXISTS (SELECT 1 FROM trackside.datasets d WHERE d.rid = r.rid AND d.hash = $1) ORDER BY coalesce(r.started, r.created) DESC LIMIT 5`;

const SQL_IDS = 'SELECT r.rid, k.kid FROM trackside.runs r JOIN trackside.metric_keys k ON k.key = $2 WHERE r.id = $1';

async function ids(db: TeamDb, runId: string, key: string): Promise<{ rid: number; kid: number } | undefined> {
  return (await db.query<{ rid: number; kid: number }>(SQL_IDS, [fromTeamId(runId), key]))[0];
}

// The edges as the outer loop, one index lookup each (OFFSET 0 keeps the planner from turning
// it into a scan of the whole series, which it picks when a fresh push has no statistics yet).
const SQL_AT = `SELECT p.step, p.seq, p.t, p.epoch FROM (SELECT DISTINCT unnest($3::float8[]) AS step) e
  CROSS JOIN LATERAL (SELECT step, seq, t, epoch FROM trackside.points WHERE rid = $1 AND kid = $2 AND step = e.step OFFSET 0) p`;

/** One chart's series of a team run, as seriesData gives a local one. */
export async function teamSeriesData(db: TeamDb, req: SeriesRequest): Promise<SeriesData> {
  const [{ series: s, edges }, end] = await Promise.all([
    teamSeriesWithEdges(db, fromTeamId(req.runId), req.key, { maxBuckets: chartBuckets(req), xMin: req.xMin, xMax: req.xMax }),
    isRanged(req) ? Promise.resolve(undefined) : teamSeriesEnd(db, req.runId, req.key),
  ]);
  const out = chartData(req, s, end);
  if (s.count === 0) return out;
  if (s.exact && edges?.length === s.count) {
    // Every bucket is one point, read with its time and epoch (as the local index answers it).
    edges.forEach(([, , t, epoch], i) => {
      out.t[i] = out.lastT[i] = t ?? Number.NaN;
      out.epochs[i] = out.lastEpochs[i] = epoch ?? Number.NaN;
    });
    return out;
  }
  // Level rows pushed with their edge times (and raw points) carry them; older rows need a look-up.
  if (edges) return withEdgeTimes(out, s, edges);
  const at = await ids(db, req.runId, req.key);
  if (!at) return out;
  const rows = await db.query<{ step: number; seq: number; t: number | null; epoch: number | null }>(SQL_AT, [at.rid, at.kid, Array.from(edgeSteps(s))]);
  return withEdgeTimes(out, s, rows.map((r): EdgeRow => [r.step, r.seq, r.t, r.epoch]));
}

export async function teamSeriesEnd(db: TeamDb, runId: string, key: string): Promise<SeriesCursor | undefined> {
  const row = (
    await db.query<{ last_step: number; last_seq: number }>(
      `SELECT s.last_step, s.last_seq FROM trackside.summaries s JOIN trackside.runs r ON r.rid = s.rid JOIN trackside.metric_keys k ON k.kid = s.kid
       WHERE r.id = $1 AND k.key = $2`,
      [fromTeamId(runId), key],
    )
  )[0];
  return row && { step: row.last_step, seq: row.last_seq };
}

/** New data of a live team run after what a chart has, as liveUpdate gives for a local one. */
export async function teamLiveUpdate(db: TeamDb, runId: string, sent: readonly SentSeries[]): Promise<LiveUpdate> {
  const out: LiveUpdate = { append: [], series: [], sent: [] };
  if (sent.length === 0) return out;
  const rid = (await db.query<{ rid: number }>('SELECT rid FROM trackside.runs WHERE id = $1', [fromTeamId(runId)]))[0]?.rid;
  if (rid === undefined) return out;
  const byKey = new Map(sent.map((s) => [s.key, s]));
  for (const s of await teamSummaries(db, rid)) {
    const had = byKey.get(s.key);
    if (!had || s.lastStep < had.end.step) continue;
    const at = await ids(db, runId, s.key);
    if (!at) continue;
    const count = (
      await db.query<{ n: number }>('SELECT count(*) AS n FROM trackside.points WHERE rid = $1 AND kid = $2 AND (step, seq) > ($3, $4)', [at.rid, at.kid, had.end.step, had.end.seq])
    )[0].n;
    if (count === 0) continue;
    if (count > MAX_APPEND) {
      const d = await teamSeriesData(db, { runId, key: s.key, buckets: had.buckets });
      out.series.push(d);
      out.sent.push({ key: s.key, end: d.end ?? had.end, buckets: had.buckets });
      continue;
    }
    const rows = await db.query<{ step: number; seq: number; value: number | null; t: number | null; epoch: number | null }>(
      'SELECT step, seq, value, t, epoch FROM trackside.points WHERE rid = $1 AND kid = $2 AND (step, seq) > ($3, $4) ORDER BY step, seq',
      [at.rid, at.kid, had.end.step, had.end.seq],
    );
    const p: AppendedPoints = {
      runId,
      key: s.key,
      steps: Float64Array.from(rows, (r) => r.step),
      values: Float64Array.from(rows, (r) => r.value ?? Number.NaN),
      t: Float64Array.from(rows, (r) => r.t ?? Number.NaN),
      epochs: Float64Array.from(rows, (r) => r.epoch ?? Number.NaN),
    };
    out.append.push(p);
    const last = rows[rows.length - 1];
    out.sent.push({ key: s.key, end: { step: last.step, seq: last.seq }, buckets: had.buckets });
  }
  return out;
}
