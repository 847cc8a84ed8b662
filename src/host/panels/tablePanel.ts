// The Runs Table: every run once, by column; then only the rows of runs that changed, at
// most once a second. Sorting happens in the webview; its filter query is evaluated by the
// index worker. One panel shows the workspace's runs, another the team index's (its source
// reads through the worker's team methods).
import type * as vscode from 'vscode';
import { isTeamId } from '../../core/team/teamId';
import type { TableData } from '../../protocol/tableData';
import type { TableFromWebview, TableRequests, TableToWebview } from '../../protocol/tablePanel';
import { TABLE_VIEW_TYPE, TEAM_TABLE_VIEW_TYPE } from '../../protocol/tablePanel';
import { IndexError } from '../indexClient';
import type { IndexService } from '../indexService';
import { PanelHost, Refusal, createPanel } from './panelHost';
import type { PanelContext } from './panelSetup';

const UPDATE_MS = 1000;
/** With more runs than this, the newest page is sent first and every run right after. */
const FIRST_PAGE = 200;

/** Where a Runs Table's rows come from. */
export interface TableSource {
  readonly viewType: string;
  readonly title: string;
  /** Every run (or those of `ids`, or the newest `limit`). */
  rows(ids?: string[], limit?: number): Promise<TableData>;
  /** Ids of the runs a filter query selects. */
  matching(query: string): Promise<string[]>;
  /** Whether a changed run is one of this table's. */
  owns(id: string): boolean;
}

/** The workspace's runs, from its SQLite index. */
export function localTableSource(index: IndexService): TableSource {
  return {
    viewType: TABLE_VIEW_TYPE,
    title: 'Runs Table',
    rows: (ids, limit) => index.call('tableRows', ids, limit),
    matching: (query) => index.call('matchingRunIds', query),
    owns: (id) => !isTeamId(id),
  };
}

/** The team index's runs ("team:<id>"); `read` connects first when needed. */
export function teamTableSource(index: IndexService, read: <T>(fn: () => Promise<T>) => Promise<T>): TableSource {
  return {
    viewType: TEAM_TABLE_VIEW_TYPE,
    title: 'Team Runs Table',
    rows: (ids, limit) => read(() => index.call('teamTableRows', ids, limit)),
    matching: (query) => read(() => index.call('teamMatchingRunIds', query)),
    owns: isTeamId,
  };
}

export class TablePanel extends PanelHost<TableToWebview, TableFromWebview> {
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = 0;
  /** The newest page, read while the webview loads; used by its first ready only. */
  private firstPage: Promise<TableData> | undefined;

  static create(ctx: PanelContext, source: TableSource, column: vscode.ViewColumn): TablePanel {
    return new TablePanel(createPanel(source.viewType, source.title, column), ctx, source);
  }

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: PanelContext,
    private readonly source: TableSource,
  ) {
    super(panel, ctx, { script: 'table', title: `Trackside ${source.title}`, styles: ['media/table.css'] });
    panel.title = source.title;
    this.firstPage = source.rows(undefined, FIRST_PAGE);
    this.firstPage.catch(() => undefined); // reported when ready uses it
    this.disposables.push(
      ctx.onDidChange((e) => {
        const ids = e.ids.filter((id) => source.owns(id));
        if (e.all) this.pendingAll = true;
        for (const id of ids) this.pending.add(id);
        if (e.all || ids.length) this.schedule();
      }),
    );
  }

  protected onReady(): void {
    const read = this.firstPage;
    this.firstPage = undefined;
    // Changes since the early read started stay pending: they are sent after it.
    if (!read) {
      this.pending.clear();
      this.pendingAll = false;
    }
    this.start(() => this.sendAll(read));
  }

  private async sendAll(read = this.source.rows(undefined, FIRST_PAGE)): Promise<void> {
    this.lastSent = Date.now();
    const first = await read;
    if (this.isDisposed) return;
    if (first.ids.length < FIRST_PAGE) {
      this.channel.post({ type: 'rows', data: first, complete: true });
      if (this.pendingAll || this.pending.size) this.schedule();
      return;
    }
    // Every run, read by the worker while the first page is on its way.
    const all = this.source.rows();
    await this.channel.postAndWait({ type: 'rows', data: first, complete: false });
    const data = await all;
    if (this.isDisposed || !this.channel.isReady) return;
    this.channel.post({ type: 'rows', data, complete: true });
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.start(() => this.flush()), Math.max(0, this.lastSent + UPDATE_MS - Date.now()));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (!this.channel.isReady) return; // the next ready sends everything
    this.lastSent = Date.now();
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      const data = await this.source.rows();
      if (!this.isDisposed) this.channel.post({ type: 'rows', data, complete: true });
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length === 0) return;
    const data = await this.source.rows(ids);
    if (this.isDisposed) return;
    const present = new Set(data.ids);
    this.channel.post({ type: 'rowsChanged', data, removed: ids.filter((id) => !present.has(id)) });
  }

  protected async onMessage(m: TableFromWebview): Promise<void> {
    switch (m.type) {
      case 'openRun':
        await this.ctx.openRun(m.runId);
        return;
      case 'compare':
        await this.ctx.compareRuns(m.runIds);
        return;
      case 'request':
        await this.answer<TableRequests>(m, { filter: ({ query }) => this.filter(query) });
        return;
    }
  }

  private async filter(query: string): Promise<string[]> {
    try {
      return await this.source.matching(query);
    } catch (e) {
      if (!(e instanceof IndexError && e.name === 'QueryError')) throw e;
      throw new Refusal({ message: e.message, column: Number(e.data.column) || 1 });
    }
  }

  protected override onDispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
