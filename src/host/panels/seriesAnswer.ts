// Answers a panel's series requests one metric key at a time (every run's line of a key in
// one message, so its chart draws once), yielding between keys so the first chart's data is
// on its way before the last key is read. Pure: no editor API.
import type { Store } from '../../core/store';
import type { SeriesData, SeriesRequest } from '../../protocol/series';
import type { LiveSeries } from './liveSeries';
import { seriesData, seriesEnd } from './seriesData';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function answerSeries(store: () => Store, live: LiveSeries, requests: SeriesRequest[], post: (series: SeriesData[]) => void): Promise<void> {
  const byKey = new Map<string, SeriesRequest[]>();
  for (const r of requests) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  let first = true;
  for (const reqs of byKey.values()) {
    if (!first) await nextTurn();
    first = false;
    const s = store();
    post(
      reqs.map((r) => {
        const d = seriesData(s, r);
        live.sentSeries(d, r.buckets, seriesEnd(s, r.runId, r.key));
        return d;
      }),
    );
  }
}
