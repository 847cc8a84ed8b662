// Small static tables (params, summaries, files): built from rows of text or nodes.
import { breakable, el } from './dom';

export type Cell = string | Node | { node: string | Node; class?: string; title?: string };

/**
 * `numeric` marks the columns whose header aligns right, over numbers. The table comes in a
 * box that scrolls sideways on its own when a narrow panel cannot hold it.
 */
export function simpleTable(headers: string[], rows: Cell[][], opts: { class?: string; label?: string; numeric?: number[] } = {}): HTMLElement {
  const cell = (tag: 'td' | 'th', c: Cell) => {
    // Row names (keys, paths) wrap between their parts.
    if (typeof c === 'string' && tag === 'th') return el(tag, {}, breakable(c));
    if (typeof c === 'string' || c instanceof Node) return el(tag, {}, c);
    return el(tag, { class: c.class, title: c.title }, c.node);
  };
  return el(
    'div',
    { class: 'table-scroll' },
    el(
      'table',
      { class: `simple-table ${opts.class ?? ''}`.trim(), attrs: { 'aria-label': opts.label } },
      el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { class: opts.numeric?.includes(i) ? 'num' : undefined, attrs: { scope: 'col' }, text: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => (i === 0 ? cell('th', c) : cell('td', c)))))),
    ),
  );
}

/** A short hash with the whole one in its tooltip. */
export function hashCell(hash: string): Cell {
  return { node: el('code', { text: hash.slice(0, 10) }), title: hash };
}
