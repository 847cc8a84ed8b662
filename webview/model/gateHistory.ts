// The gate verdicts on this version, newest first: when, pass or fail, against what, on
// which data, the metric deltas, whether it was promoted, the commit and CI run, and a
// link to the full report (opened in the editor's Markdown preview).
import type { GateView } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatDate } from '../shared/format';

export interface GateActions {
  openReport(line: number): void;
  openUrl(url: string): void;
}

function against(g: GateView, version: number): string {
  if (g.mode === 'degradation') return 'its first evaluation';
  if (g.version !== version) return `v${g.version} was held to this version`;
  return `v${g.baseline ?? '?'}${g.baseline_ref ? ` (${g.baseline_ref})` : ''}`;
}

function verdictBadge(g: GateView): HTMLElement {
  const pass = g.verdict === 'pass';
  return el('span', { class: `badge gate-${g.verdict}`, text: pass ? '✓ passed' : '✗ failed', title: g.reasons.join('\n') });
}

export function renderGateHistory(node: HTMLElement, gates: GateView[], version: number, a: GateActions): void {
  if (!gates.length) {
    replaceChildren(node);
    node.hidden = true;
    return;
  }
  node.hidden = false;
  const head = el(
    'tr',
    {},
    ...['When', 'Verdict', 'Against', 'Data (sha256)', 'Metrics', 'Promoted', 'Commit', ''].map((t) => el('th', { text: t, attrs: { scope: 'col' } })),
  );
  const rows = gates.map((g) =>
    el(
      'tr',
      { class: `gate-row gate-${g.verdict}`, dataset: { line: String(g.line) } },
      el('td', { class: 'nowrap', text: formatDate(g.t) }),
      el('td', {}, verdictBadge(g)),
      el('td', { text: against(g, version) }),
      el('td', {}, g.dataset ? el('code', { text: g.dataset.slice(0, 10), title: g.dataset }) : el('span', { class: 'muted', text: '—' })),
      el('td', { text: g.summary, title: g.reasons.join('\n') }),
      el('td', { text: g.promoted ?? '' }),
      el(
        'td',
        { class: 'nowrap' },
        g.commit ? el('code', { text: g.commit.slice(0, 10), title: g.commit }) : null,
        g.url && /^https?:\/\//i.test(g.url) ? el('a', { class: 'ci-link', text: ' CI run', title: g.url, attrs: { href: '#' }, on: { click: (e) => (e.preventDefault(), a.openUrl(g.url!)) } }) : null,
      ),
      el('td', {}, g.report ? el('a', { class: 'gate-report-link', text: 'Report', attrs: { href: '#' }, on: { click: (e) => (e.preventDefault(), a.openReport(g.line)) } }) : null),
    ),
  );
  replaceChildren(
    node,
    el('h2', { text: `Gate verdicts (${gates.length})` }),
    el('div', { class: 'table-scroll' }, el('table', { class: 'simple-table gates', attrs: { 'aria-label': 'Gate verdicts' } }, el('thead', {}, head), el('tbody', {}, ...rows))),
  );
}
