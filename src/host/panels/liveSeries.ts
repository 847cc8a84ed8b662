// What a panel's charts already hold, so a change in the index becomes either the new points
// (a few) or a fresh downsampled series (many). Pure: no editor API.
import { summaries } from '../../core/metricQueries';
import type { Store } from '../../core/store';
import type { AppendedPoints, SeriesData } from '../../protocol/series';
import { countAfter, pointsAfter, seriesData } from './seriesData';

/** More new points than this are sent as a fresh series instead of raw points. */
const MAX_APPEND = 2000;

export interface LiveUpdate {
  append: AppendedPoints[];
  /** Whole series sent again (many new points). */
  series: SeriesData[];
}

export class LiveSeries {
  /** runId → key → last step sent and the bucket count the chart asked for. */
  private readonly sent = new Map<string, Map<string, { lastStep: number; buckets: number }>>();

  /** Records a whole series answered to the webview. */
  sentSeries(d: SeriesData, buckets: number): void {
    if (d.range) return; // zoomed views are not live
    let keys = this.sent.get(d.runId);
    if (!keys) this.sent.set(d.runId, (keys = new Map()));
    const lastStep = d.lastSteps.length ? d.lastSteps[d.lastSteps.length - 1] : Number.NEGATIVE_INFINITY;
    keys.set(d.key, { lastStep, buckets });
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
      if (!sent || !(s.lastStep > sent.lastStep)) continue;
      if (countAfter(store, runId, s.key, sent.lastStep) > MAX_APPEND) {
        const d = seriesData(store, { runId, key: s.key, buckets: sent.buckets });
        this.sentSeries(d, sent.buckets);
        out.series.push(d);
        continue;
      }
      const p = pointsAfter(store, runId, s.key, sent.lastStep);
      if (!p) continue;
      sent.lastStep = p.steps[p.steps.length - 1];
      out.append.push(p);
    }
    return out;
  }
}
