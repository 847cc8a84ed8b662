// Tabs of a panel (vscode-tabs) that fit any width: the tabs that do not fit leave the strip
// and are listed in a "More" menu at its end, as VS Code does with editor tabs; the chosen tab
// always stays in the strip. The page itself never scrolls sideways.
import { el } from './dom';

export interface TabSpec<Id extends string> {
  id: Id;
  label: string;
}

interface MenuSelect {
  detail: { value: string };
}

export class PanelTabs<Id extends string> {
  readonly element: HTMLElement;
  private readonly headers = new Map<Id, HTMLElement>();
  private readonly views = new Map<Id, HTMLElement>();
  private readonly more: HTMLElement;
  private readonly moreButton: HTMLElement;
  private readonly menu: HTMLElement;
  private current: Id;

  constructor(
    private readonly tabs: TabSpec<Id>[],
    initial: Id,
    private readonly onSelect: (id: Id) => void,
    label: string,
  ) {
    this.current = initial;
    for (const t of tabs) {
      this.headers.set(t.id, el('vscode-tab-header', { dataset: { tab: t.id }, text: t.label }));
      this.views.set(t.id, el('vscode-tab-panel', { dataset: { tab: t.id } }));
    }
    this.menu = el('vscode-context-menu', { class: 'tab-more-menu', attrs: { 'aria-label': 'More tabs' } });
    this.menu.addEventListener('vsc-context-menu-select', (e) => this.select((e as unknown as MenuSelect).detail.value as Id, true));
    this.moreButton = el('vscode-toolbar-button', {
      class: 'tab-more-button',
      attrs: { label: 'More tabs', title: 'More tabs', 'aria-haspopup': 'menu' },
      text: 'More ▾',
      on: { click: () => this.toggleMenu() },
    });
    this.more = el('div', { class: 'tab-more', attrs: { slot: 'addons', hidden: true } }, this.moreButton, el('div', { class: 'tab-more-anchor' }, this.menu));
    this.element = el(
      'vscode-tabs',
      { class: 'panel-tabs', attrs: { 'aria-label': label, 'selected-index': this.indexOf(initial) } },
      ...this.headers.values(),
      this.more,
      ...this.views.values(),
    );
    this.element.addEventListener('vsc-tabs-select', (e) => {
      const index = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const id = this.tabs[index]?.id;
      if (id && id !== this.current) {
        this.current = id;
        this.onSelect(id);
        this.layout();
      }
    });
    new ResizeObserver(() => this.layout()).observe(this.element);
  }

  get selected(): Id {
    return this.current;
  }

  view(id: Id): HTMLElement {
    return this.views.get(id)!;
  }

  setLabel(id: Id, text: string): void {
    const h = this.headers.get(id)!;
    if (h.textContent === text) return;
    h.textContent = text;
    this.layout();
  }

  select(id: Id, announce = false): void {
    if (!this.headers.has(id)) return;
    const changed = id !== this.current;
    this.current = id;
    (this.element as unknown as { selectedIndex: number }).selectedIndex = this.indexOf(id);
    this.layout();
    if (changed && announce) this.onSelect(id);
  }

  private indexOf(id: Id): number {
    return Math.max(0, this.tabs.findIndex((t) => t.id === id));
  }

  private toggleMenu(): void {
    const menu = this.menu as unknown as { show: boolean };
    menu.show = !menu.show;
  }

  /** Puts in the strip the tabs that fit (in order, the chosen one always), the rest in the menu. */
  private layout(): void {
    const width = this.element.clientWidth;
    if (width === 0) return; // not laid out yet (hidden); the observer calls again
    const headers = this.tabs.map((t) => this.headers.get(t.id)!);
    for (const h of headers) h.hidden = false;
    this.more.hidden = true;
    const widths = headers.map((h) => h.getBoundingClientRect().width);
    const total = widths.reduce((a, b) => a + b, 0);
    let shown = new Set(this.tabs.map((t) => t.id));
    if (total > width) {
      this.more.hidden = false;
      const room = width - this.more.getBoundingClientRect().width - 4;
      shown = new Set();
      let used = 0;
      for (let i = 0; i < headers.length && used + widths[i] <= room; i++) {
        shown.add(this.tabs[i].id);
        used += widths[i];
      }
      const active = this.indexOf(this.current);
      if (!shown.has(this.current)) {
        // The chosen tab takes the place of the last ones that fit.
        for (let i = headers.length - 1; i >= 0 && used + widths[active] > room; i--) {
          if (shown.delete(this.tabs[i].id)) used -= widths[i];
        }
        shown.add(this.current);
      }
    }
    const hidden = this.tabs.filter((t) => !shown.has(t.id));
    this.tabs.forEach((t, i) => (headers[i].hidden = !shown.has(t.id)));
    this.more.hidden = hidden.length === 0;
    (this.menu as unknown as { data: { label: string; value: string }[] }).data = hidden.map((t) => ({ label: this.headers.get(t.id)!.textContent ?? t.label, value: t.id }));
    this.element.dataset.overflow = String(hidden.length);
  }
}
