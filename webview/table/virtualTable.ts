// A virtualized grid: only the rows in view (plus a few) exist in the DOM, recycled as the
// user scrolls, so 10,000 runs cost what 40 do. Rows are updated in the scroll event itself
// (before the frame paints), so fast scrolling shows no blank rows.
import type { SortKey } from '../../src/protocol/tablePanel';
import { el } from '../shared/dom';
import type { Column } from './columns';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export interface TableEvents {
  sort(columnId: string, additive: boolean): void;
  open(row: number): void;
  selectionChanged(): void;
}

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private columns: Column[] = [];
  private order: number[] = [];
  private ids: string[] = [];
  private sort: SortKey[] = [];
  readonly selected = new Set<string>();
  private anchor = -1;
  private focusRow = -1;
  private widths = new Map<string, number>();
  /**
   * The view's height below the header and its scroll offset, as last laid out: kept from the
   * resize observer and scroll events, so drawing rows never forces a layout mid-script.
   */
  private viewHeight = 0;
  private scrollTop = 0;
  /** Inside update(): rows are drawn when it ends. */
  private holding = false;

  constructor(private readonly events: TableEvents) {
    this.header = el('div', { class: 'vt-header', attrs: { role: 'row', 'aria-rowindex': 1 } });
    this.body = el('div', { class: 'vt-body', attrs: { role: 'rowgroup' } });
    this.element = el('div', { class: 'vt', attrs: { role: 'grid', tabindex: 0, 'aria-multiselectable': 'true', 'aria-label': 'Runs' } }, this.header, this.body);
    this.element.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.element.scrollTop;
        this.renderRows();
      },
      { passive: true },
    );
    new ResizeObserver(() => {
      this.viewHeight = this.element.clientHeight - (this.header.offsetHeight || ROW_HEIGHT);
      this.scrollTop = this.element.scrollTop;
      this.renderRows();
    }).observe(this.element);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  setColumns(columns: Column[]): void {
    this.columns = columns;
    const template = columns.map((c) => `${this.widths.get(c.id) ?? c.width}px`).join(' ');
    this.element.style.setProperty('--vt-columns', template);
    const total = columns.reduce((s, c) => s + (this.widths.get(c.id) ?? c.width), 0);
    this.element.style.setProperty('--vt-width', `${total}px`);
    for (const row of this.pool) row.replaceChildren();
    this.renderHeader();
    this.renderRows(true);
  }

  /** Data row indices in display order; `ids` maps a data row to its run id. */
  setRows(order: number[], ids: string[]): void {
    this.order = order;
    this.ids = ids;
    this.element.setAttribute('aria-rowcount', String(order.length + 1));
    this.body.style.height = `${order.length * ROW_HEIGHT}px`;
    if (this.focusRow >= order.length) this.focusRow = order.length - 1;
    this.renderRows(true);
  }

  /** Runs `fn` (new columns and rows, say) and draws the rows once, after it. */
  update(fn: () => void): void {
    this.holding = true;
    try {
      fn();
    } finally {
      this.holding = false;
    }
    this.renderRows(true);
  }

  setSort(sort: SortKey[]): void {
    this.sort = sort;
    this.renderHeader();
  }

  /** Display position of a run, or -1. */
  positionOf(id: string): number {
    return this.order.findIndex((r) => this.ids[r] === id);
  }

  scrollToPosition(pos: number): void {
    const top = pos * ROW_HEIGHT;
    const view = this.element.clientHeight - this.header.offsetHeight;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    this.scrollTop = this.element.scrollTop;
  }

  selectOnly(ids: string[]): void {
    this.selected.clear();
    for (const id of ids) this.selected.add(id);
    this.renderRows(true);
    this.events.selectionChanged();
  }

  /** Row elements in the DOM (tests check this stays bounded). */
  get renderedRows(): number {
    return this.pool.filter((r) => !r.hidden).length;
  }

  private renderHeader(): void {
    this.header.replaceChildren(
      ...this.columns.map((c, i) => {
        const s = this.sort.findIndex((k) => k.column === c.id);
        const dir = s >= 0 ? (this.sort[s].desc ? 'descending' : 'ascending') : 'none';
        const cell = el(
          'div',
          {
            class: `vt-cell vt-head${c.align === 'right' ? ' right' : ''}`,
            attrs: { role: 'columnheader', 'aria-sort': dir, 'aria-colindex': i + 1, title: `${c.label}: click to sort, shift-click to add to the sort` },
            dataset: { column: c.id },
            on: { click: (e) => this.events.sort(c.id, e.shiftKey) },
          },
          el('span', { class: 'vt-label', text: c.label }),
          s >= 0 ? el('span', { class: 'vt-sort', text: `${this.sort[s].desc ? '▼' : '▲'}${this.sort.length > 1 ? s + 1 : ''}` }) : null,
          el('span', { class: 'vt-resize', attrs: { 'aria-hidden': 'true' }, on: { pointerdown: (e) => this.startResize(e, c) } }),
        );
        return cell;
      }),
    );
  }

  private startResize(e: PointerEvent, c: Column): void {
    e.stopPropagation();
    e.preventDefault();
    const handle = e.target as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const x0 = e.clientX;
    const w0 = this.widths.get(c.id) ?? c.width;
    const move = (m: PointerEvent) => {
      this.widths.set(c.id, Math.max(40, w0 + m.clientX - x0));
      this.setColumns(this.columns);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('click', (ev) => ev.stopPropagation(), { once: true });
  }

  private renderRows(force = false): void {
    if (this.holding) return;
    const height = this.viewHeight;
    // Fewer rows than before clamp the scroll offset before its scroll event arrives: use the clamped one now.
    const top = Math.max(0, Math.min(this.scrollTop, this.order.length * ROW_HEIGHT - height));
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.order.length, Math.ceil((top + Math.max(height, ROW_HEIGHT)) / ROW_HEIGHT) + OVERSCAN);
    const need = last - first;
    while (this.pool.length < need) this.pool.push(this.newRow());
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      const pos = first + k;
      if (pos >= last) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      const data = this.order[pos];
      if (!force && row.dataset.pos === String(pos) && row.dataset.data === String(data)) continue;
      this.fillRow(row, pos, data);
    }
  }

  private newRow(): HTMLElement {
    const row = el('div', { class: 'vt-row', attrs: { role: 'row' } });
    row.addEventListener('click', (e) => this.onRowClick(e, Number(row.dataset.pos)));
    row.addEventListener('dblclick', () => this.events.open(this.order[Number(row.dataset.pos)]));
    this.body.append(row);
    return row;
  }

  private fillRow(row: HTMLElement, pos: number, data: number): void {
    row.dataset.pos = String(pos);
    row.dataset.data = String(data);
    row.style.transform = `translateY(${pos * ROW_HEIGHT}px)`;
    const id = this.ids[data];
    const selected = this.selected.has(id);
    row.classList.toggle('selected', selected);
    row.classList.toggle('focused', pos === this.focusRow);
    row.setAttribute('aria-selected', String(selected));
    row.setAttribute('aria-rowindex', String(pos + 2));
    if (row.childElementCount !== this.columns.length) {
      row.replaceChildren(...this.columns.map((c) => el('div', { class: `vt-cell${c.align === 'right' ? ' right' : ''}`, attrs: { role: 'gridcell' } })));
    }
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i];
      const cell = row.children[i] as HTMLElement;
      const text = c.text(data);
      if (cell.textContent !== text) cell.textContent = text;
      if (c.id === 'status') cell.className = `vt-cell status-text status-${text}`;
      if (c.id === 'name') cell.title = `${text} (${id})`;
    }
  }

  private onRowClick(e: MouseEvent, pos: number): void {
    const id = this.ids[this.order[pos]];
    if (e.shiftKey && this.anchor >= 0) {
      if (!(e.ctrlKey || e.metaKey)) this.selected.clear();
      const [a, b] = this.anchor < pos ? [this.anchor, pos] : [pos, this.anchor];
      for (let p = a; p <= b; p++) this.selected.add(this.ids[this.order[p]]);
    } else if (e.ctrlKey || e.metaKey) {
      if (this.selected.has(id)) this.selected.delete(id);
      else this.selected.add(id);
      this.anchor = pos;
    } else {
      this.selected.clear();
      this.selected.add(id);
      this.anchor = pos;
    }
    this.focusRow = pos;
    this.renderRows(true);
    this.events.selectionChanged();
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.order.length;
    if (n === 0) return;
    const page = Math.max(1, Math.floor((this.element.clientHeight - ROW_HEIGHT) / ROW_HEIGHT) - 1);
    let to = this.focusRow;
    switch (e.key) {
      case 'ArrowDown':
        to = Math.min(n - 1, this.focusRow + 1);
        break;
      case 'ArrowUp':
        to = Math.max(0, this.focusRow - 1);
        break;
      case 'PageDown':
        to = Math.min(n - 1, this.focusRow + page);
        break;
      case 'PageUp':
        to = Math.max(0, this.focusRow - page);
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = n - 1;
        break;
      case 'Enter':
        if (this.focusRow >= 0) this.events.open(this.order[this.focusRow]);
        return;
      case ' ':
        if (this.focusRow >= 0) {
          e.preventDefault();
          const id = this.ids[this.order[this.focusRow]];
          if (this.selected.has(id)) this.selected.delete(id);
          else this.selected.add(id);
          this.renderRows(true);
          this.events.selectionChanged();
        }
        return;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          this.selectOnly(this.order.map((r) => this.ids[r]));
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    this.focusRow = Math.max(0, to);
    const id = this.ids[this.order[this.focusRow]];
    if (e.shiftKey) {
      if (this.anchor < 0) this.anchor = this.focusRow;
      this.selected.clear();
      const [a, b] = this.anchor < this.focusRow ? [this.anchor, this.focusRow] : [this.focusRow, this.anchor];
      for (let p = a; p <= b; p++) this.selected.add(this.ids[this.order[p]]);
    } else {
      this.selected.clear();
      this.selected.add(id);
      this.anchor = this.focusRow;
    }
    this.scrollToPosition(this.focusRow);
    this.renderRows(true);
    this.events.selectionChanged();
  }
}
