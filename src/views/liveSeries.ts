// What is new in a live run's series since a chart got them: the new points (a few) or a
// fresh downsampled series (many). Stateless: the host keeps each chart's cursor. Pure: no
// editor API.
import { summaries } from '../core/metricQueries';
import type { Store } from '../core/store';
import type { AppendedPoints, SeriesData } from '../protocol/series';
import { type SeriesCursor, countAfter, pointsAfter, seriesData } from './seriesData';

/** More new points than this are sent as a fresh series instead of raw points. */
const MAX_APPEND = 2000;

/** Where a chart's copy of one series ends, and how many buckets it asked for. */
export interface SentSeries {
  key: string;
  end: SeriesCursor;
  buckets: number;
}

export interface LiveUpdate {
  append: AppendedPoints[];
  /** Whole series sent again (many new points). */
  series: SeriesData[];
  /** The cursors after this update, for the keys that moved. */
  sent: SentSeries[];
}

/** New data of a run after what was sent. */
export function liveUpdate(store: Store, runId: string, sent: readonly SentSeries[]): LiveUpdate {
  const out: LiveUpdate = { append: [], series: [], sent: [] };
  if (sent.length === 0) return out;
  const byKey = new Map(sent.map((s) => [s.key, s]));
  for (const s of summaries(store, runId)) {
    const had = byKey.get(s.key);
    if (!had || s.lastStep < had.end.step) continue;
    const n = countAfter(store, runId, s.key, had.end);
    if (n === 0) continue;
    if (n > MAX_APPEND) {
      const d = seriesData(store, { runId, key: s.key, buckets: had.buckets });
      out.series.push(d);
      out.sent.push({ key: s.key, end: d.end ?? had.end, buckets: had.buckets });
      continue;
    }
    const p = pointsAfter(store, runId, s.key, had.end);
    if (!p) continue;
    out.append.push({ runId: p.runId, key: p.key, steps: p.steps, values: p.values, t: p.t, epochs: p.epochs });
    out.sent.push({ key: s.key, end: p.end, buckets: had.buckets });
  }
  return out;
}
