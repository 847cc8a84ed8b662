import * as vscode from 'vscode';
import { formatAge, formatDuration, formatMetric, type RunFilter } from '../core/display';
import type { ExperimentGroup, RunDetails, RunListItem } from '../protocol/explorer';

/** What the Run Explorer reads (the index worker answers it). */
export interface RunsSource {
  groups(filter: RunFilter): Promise<ExperimentGroup[]>;
  runs(experiment: string, filter: RunFilter, offset: number, limit: number): Promise<RunListItem[]>;
  /** One run, when it exists and passes the filter. */
  run(id: string, filter: RunFilter): Promise<RunListItem | undefined>;
  /** The runs nested under a run. */
  children(parent: string): Promise<RunListItem[]>;
  details(id: string): Promise<RunDetails | undefined>;
}

/** Run ids from a command argument: explorer nodes, a selection of them, an id or ids. */
export function runIdsOf(arg: unknown): string[] | undefined {
  const list = Array.isArray(arg) ? arg : arg === undefined || arg === null ? [] : [arg];
  const ids = list.flatMap((a) => {
    if (typeof a === 'string') return [a];
    const node = a as ExplorerNode | undefined;
    return node && node.kind === 'run' ? [node.run.id] : [];
  });
  return ids.length ? [...new Set(ids)] : undefined;
}

const PAGE = 200;
const MAX_UPDATES_PER_SECOND = 2;

export type ExplorerNode =
  | { kind: 'experiment'; name: string; count: number; shown: number }
  | { kind: 'run'; run: RunListItem }
  | { kind: 'more'; experiment: string };

/**
 * Runs grouped by experiment, newest first. Groups page their runs; live changes update only
 * the nodes that changed, at most twice a second.
 */
export class RunExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private filter: RunFilter = { tags: [], statuses: [] };
  private groups = new Map<string, ExplorerNode & { kind: 'experiment' }>();
  private runNodes = new Map<string, ExplorerNode & { kind: 'run' }>();
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;

  constructor(
    private readonly source: RunsSource,
    /** Told when a listing fails (an invalid filter, an index that cannot be read); undefined when one succeeds. */
    private readonly onListError: (err: unknown) => void = () => undefined,
  ) {}

  setFilter(filter: RunFilter): void {
    this.filter = filter;
    this.refreshAll();
  }

  getFilter(): RunFilter {
    return this.filter;
  }

  /** Everything changed (a filter, a rebuild). */
  refreshAll(): void {
    this.pendingAll = true;
    this.schedule();
  }

  /** Runs whose index rows changed: updates their items, or their group when they are new. */
  runsChanged(ids: Iterable<string>): void {
    for (const id of ids) this.pending.add(id);
    this.schedule();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `exp:${node.name}`;
      item.description = `${node.count} run${node.count === 1 ? '' : 's'}`;
      item.contextValue = 'experiment';
      item.iconPath = new vscode.ThemeIcon('beaker');
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
      item.id = `more:${node.experiment}`;
      item.command = { command: 'trackside.internal.loadMore', title: 'Load more', arguments: [node.experiment] };
      return item;
    }
    return runTreeItem(node.run);
  }

  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): Promise<vscode.TreeItem> {
    if (node.kind === 'run') item.tooltip = runTooltip(node.run, await this.source.details(node.run.id).catch(() => undefined));
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      const children = await this.children(node);
      this.onListError(undefined);
      return children;
    } catch (err) {
      this.onListError(err);
      return [];
    }
  }

  private async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const source = this.source;
    if (!node) {
      const groups = (await source.groups(this.filter)).filter((g) => g.count > 0);
      const next = new Map<string, ExplorerNode & { kind: 'experiment' }>();
      for (const g of groups) {
        const old = this.groups.get(g.name);
        const n = old ?? { kind: 'experiment' as const, name: g.name, count: g.count, shown: PAGE };
        n.count = g.count;
        next.set(g.name, n);
      }
      this.groups = next;
      return [...next.values()];
    }
    if (node.kind === 'more') return [];
    if (node.kind === 'run') return node.run.children > 0 ? this.runNodesOf(await source.children(node.run.id)) : [];
    const runs = await source.runs(node.name, this.filter, 0, node.shown);
    const out: ExplorerNode[] = this.runNodesOf(runs);
    if (node.count > node.shown) out.push({ kind: 'more', experiment: node.name });
    return out;
  }

  private runNodesOf(runs: RunListItem[]): ExplorerNode[] {
    return runs.map((run) => {
      const existing = this.runNodes.get(run.id);
      if (existing) {
        existing.run = run;
        return existing;
      }
      const n = { kind: 'run' as const, run };
      this.runNodes.set(run.id, n);
      return n;
    });
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node.kind !== 'run') return undefined;
    return node.run.parent ? this.runNodes.get(node.run.parent) : this.groups.get(node.run.experiment);
  }

  loadMore(experiment: string): void {
    const g = this.groups.get(experiment);
    if (!g) return;
    g.shown += PAGE;
    this.changed.fire(g);
  }

  runNode(id: string): ExplorerNode | undefined {
    return this.runNodes.get(id);
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + 1000 / MAX_UPDATES_PER_SECOND - Date.now());
    this.timer = setTimeout(() => void this.flush().catch((err) => this.onListError(err)), wait);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.lastFlush = Date.now();
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      this.runNodes.clear();
      this.changed.fire(undefined);
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    const fire: ExplorerNode[] = [];
    let structural = false;
    const fresh = await Promise.all(ids.map((id) => this.source.run(id, this.filter)));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const node = this.runNodes.get(id);
      const now = fresh[i];
      if (node && now && now.experiment === node.run.experiment) {
        node.run = now;
        fire.push(node);
      } else {
        structural = true; // new, moved, filtered out or deleted: its group's listing changes
      }
    }
    if (structural) {
      this.runNodes.clear();
      this.changed.fire(undefined);
    } else if (fire.length) {
      this.changed.fire(fire);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

const STATUS_ICONS: Record<string, [string, string?]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['debug-stop', 'charts.yellow'],
  crashed: ['warning', 'testing.iconErrored'],
};

export function runTreeItem(run: RunListItem): vscode.TreeItem {
  // A run with nested runs (MLflow child runs) opens to them.
  const item = new vscode.TreeItem(run.name, run.children > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `run:${run.id}`;
  const [icon, color] = STATUS_ICONS[run.status] ?? ['circle-outline'];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const metric = run.primary ? `${run.primary.key} ${formatMetric(run.primary.value)}` : '';
  item.description = [metric, run.status === 'running' ? 'running' : formatAge(run.started)].filter(Boolean).join(' · ');
  item.contextValue = ['run', run.status, run.rerunnable ? 'rerunnable' : ''].filter(Boolean).join(';');
  item.command = { command: 'trackside.openRun', title: 'Open Run', arguments: [run.id] };
  item.accessibilityInformation = { label: `${run.name}, ${run.status}${metric ? `, ${metric}` : ''}` };
  return item;
}

function runTooltip(run: RunListItem, details: RunDetails | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.appendMarkdown(`**`).appendText(run.name).appendMarkdown(`** · ${run.status}\n\n`);
  md.appendText(`${run.id} · started ${new Date(run.started).toLocaleString()} · ${formatDuration((run.ended ?? Date.now()) - run.started)}\n`);
  if (run.tags.length) md.appendText(`\ntags: ${run.tags.join(', ')}\n`);
  if (details?.git?.commit) {
    md.appendText(`\ngit ${details.git.commit.slice(0, 10)}${details.git.branch ? ` (${details.git.branch})` : ''}${details.git.dirty ? ' dirty' : ''}\n`);
  }
  const params = Object.entries(details?.params ?? {});
  if (params.length) {
    md.appendMarkdown('\n---\n');
    for (const [k, v] of params.slice(0, 20)) md.appendText(`${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
    if (params.length > 20) md.appendText(`… ${params.length - 20} more\n`);
  }
  if (details?.note) md.appendMarkdown('\n---\n').appendText(details.note);
  if (details?.error) md.appendMarkdown('\n---\n').appendText(details.error.split('\n').slice(-3).join('\n'));
  return md;
}
