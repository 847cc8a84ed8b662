// The Runs Table's filter box: a query in the language of the explorer and the CLI (plain
// words search names and tags), its syntax error shown under it at its column, and field
// names completed at the caret (params. and metrics. keys, statuses and sweep names from the
// runs the index sent).
import { FIELD_NAMES } from '../../src/core/query/fields';
import { RUN_STATUSES } from '../../src/core/events';
import type { TableData } from '../../src/protocol/tableData';
import { el } from '../shared/dom';

const AGGS = ['last', 'min', 'max', 'count'];
const MAX_SHOWN = 8;
/** Characters that end a word in a query (as the tokenizer splits them). */
const BOUNDARY = /[ \t\r\n()=!<>~:,"']/;

/** The query text of a field key: plain where the tokenizer reads it as one word, else quoted. */
function keyText(prefix: string, key: string): string {
  return /^[^ \t\r\n()=!<>~:,"']+$/.test(key) ? `${prefix}${key}` : `${prefix}${JSON.stringify(key)}`;
}

/** Every completion the loaded runs allow, for the word being typed. */
export function completionsFor(word: string, before: string, d: TableData | undefined): string[] {
  const lower = word.toLowerCase();
  // A value after status: / status = …
  if (/\bstatus\s*(:|=|!=)\s*$/i.test(before)) return RUN_STATUSES.filter((s) => s.startsWith(lower) && s !== lower);
  // A sweep's name after sweep = … (quoted: names hold `-`), closing a quote already opened.
  const sweep = /\bsweep\s*(:|=|!=)\s*("?)$/i.exec(before);
  if (sweep) {
    const names = [...new Set((d?.sweeps ?? []).filter((s): s is string => s !== null))].sort();
    return names.filter((n) => n.toLowerCase().startsWith(lower)).map((n) => (sweep[2] ? `${n}"` : JSON.stringify(n)));
  }
  if (!word) return [];
  const fixed = FIELD_NAMES.filter((f) => !f.includes('<')).concat('params.', 'metrics.');
  const params = (d?.params ?? []).map((p) => keyText('params.', p.key));
  const metrics = (d?.metrics ?? []).map((m) => keyText('metrics.', m.key));
  // After a whole metric key and a dot: its summaries.
  const aggs = metrics.filter((m) => lower.startsWith(`${m.toLowerCase()}.`)).flatMap((m) => AGGS.map((a) => `${m}.${a}`));
  // A quoted key is found by what it says (params.b finds params."batch size").
  const matches = (c: string) => [c, c.replace(/"/g, '')].some((t) => t.toLowerCase().startsWith(lower)) && c.toLowerCase() !== lower;
  return [...new Set([...fixed, ...params, ...metrics, ...aggs])].filter(matches);
}

export class FilterBox {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly error = el('div', { class: 'filter-error', attrs: { role: 'alert', hidden: true } });
  private readonly list = el('ul', { class: 'filter-completions', attrs: { role: 'listbox', id: 'filter-completions', hidden: true } });
  private data: TableData | undefined;
  private options: string[] = [];
  private active = 0;

  constructor(value: string, private readonly changed: (query: string) => void) {
    this.input = el('input', {
      class: 'filter-input',
      attrs: {
        type: 'text',
        value,
        spellcheck: 'false',
        placeholder: 'Filter: words, status:failed, params.lr > 0.01, metrics.val/acc.max >= 0.9 or tag:gpu',
        'aria-label': 'Filter runs (query)',
        role: 'combobox',
        'aria-autocomplete': 'list',
        'aria-controls': 'filter-completions',
        'aria-expanded': 'false',
      },
    }) as HTMLInputElement;
    this.element = el('div', { class: 'table-filter' }, this.input, this.list, this.error);
    this.input.addEventListener('input', () => {
      this.complete();
      this.changed(this.input.value);
    });
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('blur', () => this.close());
    this.list.addEventListener('mousedown', (e) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!item) return;
      e.preventDefault(); // keep the focus in the box
      this.accept(Number(item.dataset.index));
    });
  }

  get value(): string {
    return this.input.value;
  }

  /** Field names come from the runs loaded. */
  setData(d: TableData): void {
    this.data = d;
  }

  showError(message: string, column: number): void {
    this.error.replaceChildren(
      el('span', { class: 'filter-error-message', text: message }),
      el('code', { class: 'filter-error-where', text: `${this.input.value}\n${' '.repeat(Math.max(0, column - 1))}^` }),
    );
    this.error.hidden = false;
    this.input.setAttribute('aria-invalid', 'true');
  }

  clearError(): void {
    this.error.hidden = true;
    this.error.replaceChildren();
    this.input.removeAttribute('aria-invalid');
  }

  /** The word at the caret, where it starts, and the text before it. */
  private wordAtCaret(): { word: string; start: number; end: number } {
    const text = this.input.value;
    const end = this.input.selectionStart ?? text.length;
    let start = end;
    while (start > 0 && !BOUNDARY.test(text[start - 1])) start--;
    return { word: text.slice(start, end), start, end };
  }

  private complete(): void {
    const { word, start } = this.wordAtCaret();
    this.options = completionsFor(word, this.input.value.slice(0, start), this.data).slice(0, MAX_SHOWN);
    this.active = 0;
    this.render();
  }

  private render(): void {
    const open = this.options.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
    this.list.replaceChildren(
      ...this.options.map((o, i) =>
        el('li', { class: i === this.active ? 'active' : '', text: o, attrs: { role: 'option', id: `filter-option-${i}`, 'data-index': String(i), 'aria-selected': String(i === this.active) } }),
      ),
    );
    if (open) this.input.setAttribute('aria-activedescendant', `filter-option-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private close(): void {
    this.options = [];
    this.render();
  }

  private key(e: KeyboardEvent): void {
    if (this.list.hidden) {
      if (e.key === ' ' && e.ctrlKey) {
        e.preventDefault();
        this.complete();
      }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = this.options.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.render();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      this.accept(this.active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
    }
  }

  private accept(index: number): void {
    const option = this.options[index];
    if (option === undefined) return;
    const { start, end } = this.wordAtCaret();
    const text = this.input.value;
    this.input.value = text.slice(0, start) + option + text.slice(end);
    const caret = start + option.length;
    this.input.setSelectionRange(caret, caret);
    // A prefix such as `params.` goes on to its keys; a whole field is done.
    if (option.endsWith('.')) this.complete();
    else this.close();
    this.changed(this.input.value);
  }
}
