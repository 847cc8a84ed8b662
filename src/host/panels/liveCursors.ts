// Where each chart's copy of a live run's series ends, kept by the panel so the index worker
// answers "what is new since" without holding any panel's state.
import type { SeriesData } from '../../protocol/series';
import type { LiveUpdate, SentSeries } from '../../views/liveSeries';

export class LiveCursors {
  /** runId → key → cursor. */
  private readonly sent = new Map<string, Map<string, SentSeries>>();

  /** A whole series was sent to the webview at this bucket count. */
  record(d: SeriesData, buckets: number): void {
    if (d.range) return; // zoomed views are not live
    let keys = this.sent.get(d.runId);
    if (!keys) this.sent.set(d.runId, (keys = new Map()));
    keys.set(d.key, { key: d.key, end: d.end ?? { step: Number.NEGATIVE_INFINITY, seq: 0 }, buckets });
  }

  /** The cursors of one run's charts. */
  of(runId: string): SentSeries[] {
    return [...(this.sent.get(runId)?.values() ?? [])];
  }

  /** After an update was sent: its cursors move on. */
  advance(runId: string, update: LiveUpdate): void {
    const keys = this.sent.get(runId);
    if (!keys) return;
    for (const s of update.sent) keys.set(s.key, s);
  }

  /** Forget everything (the webview was reloaded). */
  reset(): void {
    this.sent.clear();
  }
}
