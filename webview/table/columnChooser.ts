// Which columns the table shows: run fields, params and metric summaries, with a filter for
// long lists and show-all / hide-all per group.
import { el, replaceChildren } from '../shared/dom';
import { checkedOf, labelled, valueOf } from '../shared/elements';
import type { Column, ColumnGroup } from './columns';

const GROUPS: { group: ColumnGroup; label: string }[] = [
  { group: 'run', label: 'Run' },
  { group: 'param', label: 'Parameters' },
  { group: 'metric', label: 'Metrics' },
];

export class ColumnChooser {
  readonly element: HTMLElement;
  private readonly list = el('div', { class: 'chooser-list' });
  private readonly search: HTMLElement;
  private columns: Column[] = [];
  private shown = new Set<string>();

  constructor(private readonly onChange: (shown: Set<string>) => void) {
    this.search = labelled(el('vscode-textfield', { attrs: { placeholder: 'Find a column' } }), 'Find a column');
    this.search.addEventListener('input', () => this.render());
    this.element = el(
      'div',
      { class: 'column-chooser', attrs: { role: 'dialog', 'aria-label': 'Columns', hidden: true } },
      el('div', { class: 'chooser-head' }, this.search, el('vscode-toolbar-button', { attrs: { label: 'Close' }, text: '✕', on: { click: () => this.toggle(false) } })),
      this.list,
    );
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggle(false);
    });
  }

  set(columns: Column[], shown: Set<string>): void {
    this.columns = columns;
    this.shown = shown;
    if (!this.element.hidden) this.render();
  }

  toggle(open = this.element.hidden): void {
    this.element.hidden = !open;
    if (open) {
      this.render();
      requestAnimationFrame(() => (this.search as unknown as HTMLElement).focus());
    }
  }

  private render(): void {
    const q = valueOf(this.search).trim().toLowerCase();
    replaceChildren(
      this.list,
      ...GROUPS.map(({ group, label }) => {
        const cols = this.columns.filter((c) => c.group === group && (!q || c.label.toLowerCase().includes(q)));
        if (cols.length === 0) return null;
        const setAll = (on: boolean) => {
          for (const c of cols) {
            if (c.id === 'name') continue;
            if (on) this.shown.add(c.id);
            else this.shown.delete(c.id);
          }
          this.onChange(this.shown);
          this.render();
        };
        return el(
          'section',
          { class: 'chooser-group' },
          el(
            'div',
            { class: 'chooser-group-head' },
            el('h3', { text: `${label} (${cols.length})` }),
            el('a', { attrs: { href: '#', role: 'button' }, text: 'all', on: { click: (e) => (e.preventDefault(), setAll(true)) } }),
            el('a', { attrs: { href: '#', role: 'button' }, text: 'none', on: { click: (e) => (e.preventDefault(), setAll(false)) } }),
          ),
          ...cols.map((c) => {
            const box = el('vscode-checkbox', {
              attrs: { checked: this.shown.has(c.id), disabled: c.id === 'name' },
              dataset: { column: c.id },
              text: c.label,
              on: {
                change: () => {
                  if (checkedOf(box)) this.shown.add(c.id);
                  else this.shown.delete(c.id);
                  this.onChange(this.shown);
                },
              },
            });
            return box;
          }),
        );
      }),
    );
  }
}
