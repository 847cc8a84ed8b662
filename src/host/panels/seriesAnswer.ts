// Answers a panel's series requests one metric key at a time (every run's line of a key in
// one message, so its chart draws once). All keys are asked of the index worker at once and
// posted in page order as they come, so the first chart's data leaves first; a key whose
// request fails gets an error its chart shows.
import type { SeriesData, SeriesRequest } from '../../protocol/series';
import type { LiveCursors } from './liveCursors';

/** Series of one key's requests (the index worker's `series`). */
export type SeriesSource = (requests: SeriesRequest[]) => Promise<SeriesData[]>;

export interface SeriesPosts {
  series(series: SeriesData[]): void;
  error(keys: string[], message: string): void;
}

export async function answerSeries(source: SeriesSource, cursors: LiveCursors, requests: SeriesRequest[], post: SeriesPosts): Promise<void> {
  const byKey = new Map<string, SeriesRequest[]>();
  for (const r of requests) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const answers = [...byKey].map(([key, reqs]) => ({ key, reqs, data: source(reqs) }));
  for (const a of answers) {
    try {
      const series = await a.data;
      series.forEach((d, i) => cursors.record(d, a.reqs[i].buckets));
      post.series(series);
    } catch (e) {
      post.error([a.key], e instanceof Error ? e.message : String(e));
    }
  }
}
