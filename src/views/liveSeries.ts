// What a panel's charts already hold, so a change in the index becomes either the new points
// (a few) or a fresh downsampled series (many). Pure: no editor API.
import { summaries } from '../../core/metricQueries';
import type { Store } from '../../core/store';
import type { AppendedPoints, SeriesData } from '../../protocol/series';
import { type SeriesCursor, countAfter, pointsAfter, seriesData, seriesEnd } from './seriesData';

/** More new points than this are sent as a fresh series instead of raw points. */
const MAX_APPEND = 2000;

export interface LiveUpdate {
  append: AppendedPoints[];
  /** Whole series sent again (many new points). */
  series: SeriesData[];
}

export class LiveSeries {
  /** runId → key → where the series sent ends and the bucket count the chart asked for. */
  private readonly sent = new Map<string, Map<string, { end: SeriesCursor; buckets: number }>>();

  /** Records a whole series answered to the webview; `end` is where the index's series ended then. */
  sentSeries(d: SeriesData, buckets: number, end: SeriesCursor | undefined): void {
    if (d.range) return; // zoomed views are not live
    let keys = this.sent.get(d.runId);
    if (!keys) this.sent.set(d.runId, (keys = new Map()));
    keys.set(d.key, { end: end ?? { step: Number.NEGATIVE_INFINITY, seq: 0 }, buckets });
  }

  /** Forget everything (the webview was reloaded). */
  reset(): void {
    this.sent.clear();
  }

  /** New data of a run since what was sent. */
  update(store: Store, runId: string): LiveUpdate {
    const out: LiveUpdate = { append: [], series: [] };
    const keys = this.sent.get(runId);
    if (!keys) return out;
    for (const s of summaries(store, runId)) {
      const sent = keys.get(s.key);
      if (!sent || s.lastStep < sent.end.step) continue;
      const n = countAfter(store, runId, s.key, sent.end);
      if (n === 0) continue;
      if (n > MAX_APPEND) {
        const d = seriesData(store, { runId, key: s.key, buckets: sent.buckets });
        this.sentSeries(d, sent.buckets, seriesEnd(store, runId, s.key));
        out.series.push(d);
        continue;
      }
      const p = pointsAfter(store, runId, s.key, sent.end);
      if (!p) continue;
      sent.end = p.end;
      out.append.push({ runId: p.runId, key: p.key, steps: p.steps, values: p.values, t: p.t, epochs: p.epochs });
    }
    return out;
  }
}
