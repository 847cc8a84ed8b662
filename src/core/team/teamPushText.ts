// A push told in one line, for the CLI and the editor's notification (no database code here,
// so the extension host's bundle stays without a PostgreSQL client).
import type { PushReport } from './teamPush';

/** What was sent, and what the team index already held. */
export function pushSummary(r: PushReport, target: string): string {
  const events = r.pushed.reduce((n, x) => n + x.events, 0);
  const points = r.pushed.reduce((n, x) => n + x.points, 0);
  return `Pushed ${r.pushed.length} run(s) (${events} event(s), ${points} metric point(s), ${r.blobs.copied} blob(s)) to ${target}; ${r.unchanged} already there.`;
}
