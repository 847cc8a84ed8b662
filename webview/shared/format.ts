// Text for numbers, sizes and times in the panels.
import type { XAxis } from '../../src/protocol/series';

export { formatBytes, formatDuration, formatMetric } from '../../src/core/display';

export function formatDate(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** h:mm:ss (or m:ss) of a span in ms. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}

const DAY = 86_400_000;

/** A tick or hover label for an x value on the given axis (`span`: the axis' range, ms). */
export function formatX(x: number, axis: XAxis, span = 0): string {
  switch (axis) {
    case 'step':
      return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(1);
    case 'epoch':
      return Number.isInteger(x) ? String(x) : x.toFixed(2);
    case 'relative':
      return formatClock(x);
    case 'wall': {
      // As fine as the span needs: seconds within minutes, the day across days, dates across months.
      const d = new Date(x);
      const pad = (v: number) => String(v).padStart(2, '0');
      if (span > 30 * DAY) return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${span < 120_000 ? `:${pad(d.getSeconds())}` : ''}`;
      return span > DAY ? `${d.getMonth() + 1}/${d.getDate()} ${time}` : time;
    }
  }
}

export const X_AXIS_LABELS: Record<XAxis, string> = {
  step: 'Step',
  epoch: 'Epoch',
  relative: 'Relative time',
  wall: 'Wall time',
};

/** A param value as text (strings as they are, others as JSON). */
export function formatParam(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return JSON.stringify(v);
}
