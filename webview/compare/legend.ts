// The runs of a comparison, each with its color: click to hide or show its lines, open it,
// or take it out of the comparison.
import type { RunView } from '../../src/protocol/runView';
import { breakable, el, replaceChildren } from '../shared/dom';
import { statusBadge } from '../shared/status';

export interface LegendActions {
  toggle(id: string): void;
  open(id: string): void;
  remove(id: string): void;
}

export function swatch(color: string): HTMLElement {
  const s = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.setProperty('--swatch', color);
  return s;
}

export function renderLegend(root: HTMLElement, runs: RunView[], colorOf: (id: string) => string, hidden: Set<string>, a: LegendActions): void {
  replaceChildren(
    root,
    ...runs.map((r) =>
      el(
        'li',
        { class: 'legend-entry', dataset: { run: r.id } },
        el(
          'button',
          {
            class: `legend-item${hidden.has(r.id) ? ' off' : ''}`,
            attrs: { type: 'button', 'aria-pressed': !hidden.has(r.id) ? 'true' : 'false', title: `${r.name} (${r.id}): click to ${hidden.has(r.id) ? 'show' : 'hide'} its lines` },
            dataset: { color: colorOf(r.id) },
            on: { click: () => a.toggle(r.id) },
          },
          swatch(colorOf(r.id)),
          el('span', { class: 'legend-name', text: r.name }),
        ),
        statusBadge(r.status),
        el('a', { attrs: { href: '#', role: 'button', title: `Open ${r.name}` }, text: 'open', on: { click: (e) => (e.preventDefault(), a.open(r.id)) } }),
        el('button', { class: 'legend-remove', attrs: { type: 'button', 'aria-label': `Remove ${r.name} from the comparison`, title: 'Remove from comparison' }, text: '×', on: { click: () => a.remove(r.id) } }),
      ),
    ),
  );
}

/** A column header naming a run with its color. */
export function runHeader(r: RunView, color: string): HTMLElement {
  return el('span', { class: 'run-col', title: r.id }, swatch(color), breakable(r.name));
}
