// A gated metric over the model's evaluations as a Mermaid xychart, which GitHub draws in
// a pull request comment or a job summary (no image to upload).
import type { GateHistoryPoint } from './gateTypes';
import { mermaidText } from './markdownText';

const MAX_POINTS = 30;

function tick(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The chart's lines, or [] when fewer than two evaluations have a finite value. */
export function metricChart(key: string, history: GateHistoryPoint[], title: string): string[] {
  const points = history.filter((p) => Number.isFinite(p.values[key])).slice(-MAX_POINTS);
  if (points.length < 2) return [];
  const values = points.map((p) => p.values[key]);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.15 : Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const label = (p: GateHistoryPoint) => `"${mermaidText(p.role ? `${p.label} ${p.role}` : p.label)}"`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis [${points.map(label).join(', ')}]`,
    `  y-axis "${mermaidText(key)}" ${tick(lo)} --> ${tick(hi)}`,
    `  line [${values.map(tick).join(', ')}]`,
    '```',
  ];
}
