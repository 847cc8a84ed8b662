// The run's header: name, status, how long, where it came from, and its tags and note
// (editable for a run of this workspace; a team run says where it is edited instead).
import type { RunView } from '../../src/protocol/runView';
import { el, replaceChildren } from '../shared/dom';
import { formatDate, formatDuration } from '../shared/format';
import { statusBadge } from '../shared/status';
import { labelled, setValue, valueOf } from '../shared/elements';

export interface HeaderActions {
  editTags(add: string[], remove: string[]): void;
  editNote(text: string): void;
  copy(text: string): void;
}

export class RunHeader {
  readonly element = el('header', { class: 'run-header' });
  private readonly title = el('div', { class: 'run-title' });
  private readonly facts = el('div', { class: 'run-facts' });
  private readonly command = el('div', { class: 'run-command' });
  private readonly tags = el('div', { class: 'run-tags', attrs: { role: 'list', 'aria-label': 'Tags' } });
  private readonly note = el('div', { class: 'run-note' });
  private readonly elsewhere = el('p', { class: 'run-edited-elsewhere' });
  private run: RunView | undefined;
  private editingNote = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private durationNode: HTMLElement | undefined;

  constructor(private readonly actions: HeaderActions) {
    this.element.append(this.title, this.facts, this.command, this.tags, this.note, this.elsewhere);
  }

  update(run: RunView): void {
    const prev = this.run;
    this.run = run;
    replaceChildren(this.title, el('h1', { class: 'run-name', text: run.name, title: run.id }), statusBadge(run.status));
    this.renderFacts(run);
    const cmd = run.command ?? '';
    // One line cut with an ellipsis; the whole command on hover and by Copy.
    if (cmd !== this.command.dataset.command) {
      this.command.dataset.command = cmd;
      replaceChildren(
        this.command,
        cmd ? el('code', { class: 'run-command-text', text: cmd, title: cmd }) : null,
        cmd ? el('vscode-toolbar-button', { class: 'copy-command', attrs: { label: 'Copy command', title: 'Copy the command' }, text: 'Copy', on: { click: () => this.actions.copy(cmd) } }) : null,
      );
    }
    const lockChanged = prev?.editedElsewhere !== run.editedElsewhere;
    this.elsewhere.textContent = run.editedElsewhere ?? '';
    this.elsewhere.hidden = !run.editedElsewhere;
    if (lockChanged || !prev || prev.tags.join('\n') !== run.tags.join('\n')) this.renderTags(run);
    if (!this.editingNote && (lockChanged || !prev || prev.note !== run.note)) this.renderNote(run);
    if (run.status === 'running' && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
    if (run.status !== 'running' && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private renderFacts(run: RunView): void {
    this.durationNode = el('span', { class: 'fact-duration', text: this.duration(run) });
    const git = run.git?.commit
      ? el(
          'span',
          { class: 'fact', title: `${run.git.branch ? `branch ${run.git.branch}, ` : ''}commit ${run.git.commit}${run.git.dirty ? ' with uncommitted changes' : ''}` },
          'git ',
          el('code', { text: run.git.commit.slice(0, 8) }),
          run.git.dirty ? el('span', { class: 'dirty', text: ' dirty' }) : null,
        )
      : null;
    const python = run.python?.executable || run.python?.version
      ? el('span', { class: 'fact', title: run.python.executable ?? '' }, `python ${run.python.version ?? ''}`.trim(), run.python.executable ? el('code', { class: 'interpreter', text: ` ${run.python.executable}` }) : null)
      : null;
    const parts = [
      run.experiment ? el('span', { class: 'fact', text: run.experiment, title: 'experiment' }) : null,
      el('span', { class: 'fact', text: formatDate(run.started), title: 'started' }),
      el('span', { class: 'fact', title: 'duration' }, this.durationNode),
      run.exitCode !== null && run.status !== 'finished' ? el('span', { class: 'fact', text: `exit ${run.exitCode}` }) : null,
      git,
      python,
    ].filter((p): p is HTMLElement => p !== null);
    replaceChildren(this.facts, ...parts.flatMap((p, i) => (i ? [el('span', { class: 'sep', text: '·', attrs: { 'aria-hidden': 'true' } }), p] : [p])));
  }

  private duration(run: RunView): string {
    if (run.status === 'running' && run.started !== null) return `${formatDuration(Date.now() - run.started)} so far`;
    return formatDuration(run.duration);
  }

  private tick(): void {
    if (this.run && this.durationNode) this.durationNode.textContent = this.duration(this.run);
  }

  private renderTags(run: RunView): void {
    if (run.editedElsewhere) {
      const tags = run.tags.map((t) => el('span', { class: 'tag', attrs: { role: 'listitem' } }, el('span', { class: 'tag-text', text: t })));
      replaceChildren(this.tags, ...tags);
      return;
    }
    const input = labelled(el('vscode-textfield', { class: 'tag-input', attrs: { placeholder: 'Add tag' } }), 'Add tag');
    const add = () => {
      const tags = valueOf(input)
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t && !run.tags.includes(t));
      if (tags.length) this.actions.editTags([...new Set(tags)], []);
      setValue(input, '');
    };
    input.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') add();
    });
    replaceChildren(
      this.tags,
      ...run.tags.map((t) =>
        el(
          'span',
          { class: 'tag', attrs: { role: 'listitem' } },
          el('span', { class: 'tag-text', text: t }),
          el('button', { class: 'tag-remove', attrs: { type: 'button', 'aria-label': `Remove tag ${t}`, title: 'Remove tag' }, text: '×', on: { click: () => this.actions.editTags([], [t]) } }),
        ),
      ),
      input,
    );
  }

  private renderNote(run: RunView): void {
    if (run.editedElsewhere) {
      replaceChildren(this.note, run.note ? el('p', { class: 'note-text', text: run.note }) : null);
      return;
    }
    const edit = el('vscode-button', { attrs: { secondary: true }, text: run.note ? 'Edit Note' : 'Add Note', on: { click: () => this.editNote(run) } });
    replaceChildren(this.note, run.note ? el('p', { class: 'note-text', text: run.note }) : null, edit);
  }

  private editNote(run: RunView): void {
    this.editingNote = true;
    const area = labelled(el('vscode-textarea', { class: 'note-editor', attrs: { rows: 3, resize: 'vertical', placeholder: 'What was this run about?' } }), 'Note');
    setValue(area, run.note ?? '');
    const done = (save: boolean) => {
      this.editingNote = false;
      const text = valueOf(area);
      if (save && text !== (run.note ?? '')) this.actions.editNote(text);
      this.renderNote(this.run ?? run);
    };
    replaceChildren(
      this.note,
      area,
      el(
        'div',
        { class: 'note-actions' },
        el('vscode-button', { text: 'Save', on: { click: () => done(true) } }),
        el('vscode-button', { attrs: { secondary: true }, text: 'Cancel', on: { click: () => done(false) } }),
      ),
    );
    requestAnimationFrame(() => (area as unknown as HTMLElement).focus());
  }
}
