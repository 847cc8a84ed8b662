// How a checkpoint reads in the view: when it was taken and what it is.
import type { CheckpointRecord } from './checkpointRecord';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** "14:32:05" today, "Yesterday 14:32", "Jun 3, 14:32" this year, else "2023-06-03 14:32" (local time). */
export function checkpointTime(t: number, now: number = Date.now()): string {
  const d = new Date(t);
  const today = new Date(now);
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  const dayStart = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (t >= dayStart && t < dayStart + 86_400_000) return `${hm}:${two(d.getSeconds())}`;
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime();
  if (t >= yesterday && t < dayStart) return `Yesterday ${hm}`;
  if (d.getFullYear() === today.getFullYear()) return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${hm}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${hm}`;
}

/** What kind of checkpoint, in words: "saved", "manual", "run train-3fa2c1", "before restore". */
export function checkpointOrigin(r: CheckpointRecord, runName?: string): string {
  switch (r.kind) {
    case 'auto':
      return 'saved';
    case 'manual':
      return 'manual';
    case 'run':
      return `run ${runName ?? r.run ?? ''}`.trim();
    case 'pre-restore':
      return 'before restore';
  }
}

/** "812 KB", "4.8 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
