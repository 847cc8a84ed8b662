// The Output tab: the tail of the run's output log, with a search that keeps only matching
// lines and marks the matches. Escape sequences (colors, cursor moves) are dropped.
import { el, replaceChildren } from '../shared/dom';
import { labelled, valueOf } from '../shared/elements';

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\r(?!\n)/g;
const MAX_CHARS = 1_000_000;

export class OutputView {
  readonly element: HTMLElement;
  private readonly pre = el('pre', { class: 'output-log', attrs: { tabindex: 0, 'aria-label': 'Output' } });
  private readonly info = el('span', { class: 'output-info muted' });
  private readonly search: HTMLElement;
  private text = '';
  private truncated = false;
  private exists = true;
  private query: string;

  constructor(query: string, private readonly onQuery: (q: string) => void) {
    this.query = query;
    this.search = labelled(el('vscode-textfield', { class: 'output-search', attrs: { placeholder: 'Search output', value: query } }), 'Search output');
    this.search.addEventListener('input', () => {
      this.query = valueOf(this.search);
      this.onQuery(this.query);
      this.render(false);
    });
    this.element = el('div', { class: 'output' }, el('div', { class: 'output-toolbar' }, this.search, this.info), this.pre);
  }

  update(text: string, reset: boolean, truncated: boolean, exists: boolean): void {
    const clean = text.replace(ANSI, '');
    this.exists = exists;
    if (reset) {
      this.text = clean;
      this.truncated = truncated;
    } else {
      this.text += clean;
    }
    if (this.text.length > MAX_CHARS) {
      this.text = this.text.slice(this.text.length - MAX_CHARS);
      this.truncated = true;
    }
    this.render(true);
  }

  private render(follow: boolean): void {
    const atBottom = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - 4;
    const lines = this.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const q = this.query.trim().toLowerCase();
    if (!this.exists) {
      replaceChildren(this.pre, el('span', { class: 'muted', text: 'This run has no recorded output (it was not started from the editor).' }));
      this.info.textContent = '';
      return;
    }
    if (!q) {
      this.pre.textContent = lines.join('\n');
      this.info.textContent = `${lines.length} line${lines.length === 1 ? '' : 's'}${this.truncated ? ' (tail)' : ''}`;
    } else {
      const frag = document.createDocumentFragment();
      let n = 0;
      for (const line of lines) {
        const lower = line.toLowerCase();
        if (!lower.includes(q)) continue;
        n++;
        let at = 0;
        for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
          frag.append(line.slice(at, i), el('mark', { text: line.slice(i, i + q.length) }));
          at = i + q.length;
        }
        frag.append(line.slice(at), '\n');
      }
      replaceChildren(this.pre, frag);
      this.info.textContent = `${n} matching line${n === 1 ? '' : 's'} of ${lines.length}`;
    }
    if (follow && atBottom) this.pre.scrollTop = this.pre.scrollHeight;
  }
}
