// A run's status as a small badge (color from the theme via CSS classes).
import type { RunStatusView } from '../../src/protocol/runView';
import { el } from './dom';

const ICONS: Record<RunStatusView, string> = {
  running: '●',
  finished: '✓',
  failed: '✕',
  stopped: '■',
  crashed: '!',
  pruned: '✂',
};

export function statusBadge(status: RunStatusView): HTMLElement {
  return el('span', { class: `status status-${status}`, attrs: { 'aria-label': `status ${status}` } }, el('span', { class: 'status-icon', attrs: { 'aria-hidden': 'true' }, text: ICONS[status] ?? '?' }), status);
}
