import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkpointOrigin, checkpointTime, formatSize } from '../../core/notebooks/checkpointLabels';
import type { CheckpointRecord } from '../../core/notebooks/checkpointRecord';
import { CheckpointSummaries } from '../../core/notebooks/checkpointSummaries';
import { Commands } from '../commandIds';
import type { CheckpointService } from './checkpointService';
import { editorCellSigs } from './notebookCells';
import { isNotebookFile, notebookPath } from './notebookFiles';

export interface CheckpointNode {
  uri: vscode.Uri;
  record: CheckpointRecord;
}

const ICONS: Record<CheckpointRecord['kind'], string> = { auto: 'save', manual: 'bookmark', run: 'play-circle', 'pre-restore': 'history' };

/**
 * Checkpoints of the notebook in the active notebook editor (or the last one, while it is
 * open), newest first, each with its cell changes against the notebook as it is now.
 */
export class CheckpointTree implements vscode.TreeDataProvider<CheckpointNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly notebookChanged = new vscode.EventEmitter<vscode.NotebookDocument | undefined>();
  /** Fires when the view switches to another notebook (or none). */
  readonly onDidChangeNotebook = this.notebookChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.notebookChanged];
  private doc: vscode.NotebookDocument | undefined;
  private readonly summaries = new CheckpointSummaries();
  /** The notebook version the summaries were worked out for. */
  private summarized: { doc: vscode.NotebookDocument; version: number } | undefined;
  private editTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly service: CheckpointService,
    private readonly runName: (id: string) => Promise<string | undefined>,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveNotebookEditor((e) => {
        if (e && isNotebookFile(e.notebook.uri)) this.show(e.notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((d) => {
        if (d === this.doc) this.show(undefined);
      }),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.notebook !== this.doc) return;
        // Typing changes the summaries: recompute once the edits pause. A save or a metadata
        // change leaves the cells as they were: no redraw (it would close a row's open menu).
        clearTimeout(this.editTimer);
        this.editTimer = setTimeout(() => {
          if (this.summarized?.doc === this.doc && this.summarized?.version === this.doc?.version) return;
          this.changed.fire();
        }, 300);
      }),
      service.onDidChange((p) => {
        if (this.doc && notebookPath(this.doc.uri) === p) this.changed.fire();
      }),
      { dispose: () => clearTimeout(this.editTimer) },
    );
    const active = vscode.window.activeNotebookEditor?.notebook;
    if (active && isNotebookFile(active.uri)) this.doc = active;
  }

  get notebook(): vscode.NotebookDocument | undefined {
    return this.doc;
  }

  private show(doc: vscode.NotebookDocument | undefined): void {
    if (doc === this.doc) return;
    this.doc = doc;
    this.changed.fire();
    this.notebookChanged.fire(doc);
  }

  /** Names of the runs the listed checkpoints belong to, read with the listing. */
  private names = new Map<string, string | undefined>();

  async getChildren(node?: CheckpointNode): Promise<CheckpointNode[]> {
    if (node || !this.doc) return [];
    if (this.summarized?.doc !== this.doc || this.summarized.version !== this.doc.version) {
      this.summaries.setCurrent(editorCellSigs(this.doc));
      this.summarized = { doc: this.doc, version: this.doc.version };
    }
    const uri = this.doc.uri;
    const records = this.service.list(uri);
    const runs = [...new Set(records.flatMap((r) => (r.run ? [r.run] : [])))];
    this.names = new Map(await Promise.all(runs.map(async (id) => [id, await this.runName(id)] as const)));
    return records.map((record) => ({ uri, record }));
  }

  getTreeItem(node: CheckpointNode): vscode.TreeItem {
    const r = node.record;
    const item = new vscode.TreeItem(checkpointTime(r.t), vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    const origin = r.kind === 'auto' ? undefined : checkpointOrigin(r, r.run ? this.names.get(r.run) : undefined);
    const summary = this.summaries.summary(r);
    item.description = [r.label ? `“${r.label}”` : undefined, r.kind === 'manual' && r.label ? undefined : origin, summary].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(ICONS[r.kind]);
    item.contextValue = `checkpoint-${r.kind}`;
    item.tooltip = this.tooltip(r, origin ?? 'saved', summary);
    item.command = { command: Commands.compareCheckpoint, title: 'Compare with Current', arguments: [node] };
    return item;
  }

  private tooltip(r: CheckpointRecord, origin: string, summary: string): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(new Date(r.t).toLocaleString())}** · ${escape(origin)}\n\n`);
    if (r.label) md.appendMarkdown(`Label: ${escape(r.label)}\n\n`);
    if (r.run) md.appendMarkdown(`Run: ${escape(this.names.get(r.run) ?? r.run)} (\`${r.run}\`)\n\n`);
    md.appendMarkdown(`${escape(path.posix.basename(r.path))}, ${r.cells ? `${r.cells.length} cells, ` : ''}${formatSize(r.size)}\n\n`);
    md.appendMarkdown(r.unreadable ? escape(r.unreadable) : `Compared with the notebook now: ${escape(summary)}`);
    return md;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
