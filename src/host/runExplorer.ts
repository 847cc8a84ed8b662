import * as vscode from 'vscode';
import { formatAge, formatDuration, formatMetric } from '../core/display';
import type { RunFilter } from '../core/query/runFilter';
import type { SweepState, Trial } from '../core/sweeps/sweepState';
import type { ExperimentGroup, RunDetails, RunListItem } from '../protocol/explorer';
import { STATUS_ICONS } from './statusIcons';
import { holdsWithin } from './eventWait';
import { sweepTreeItem, trialTreeItem } from './sweeps/sweepItems';

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

/** The sweeps listed above the experiments, with their queued and started trials. */
export interface SweepsSource {
  list(): SweepState[];
  get(id: string): SweepState | undefined;
}

/** Run ids from a command argument: explorer nodes, a selection of them, an id or ids. */
export function runIdsOf(arg: unknown): string[] | undefined {
  const list = Array.isArray(arg) ? arg : arg === undefined || arg === null ? [] : [arg];
  const ids = list.flatMap((a) => {
    if (typeof a === 'string') return [a];
    const node = a as ExplorerNode | undefined;
    if (node?.kind === 'trial') return node.trial.runId ? [node.trial.runId] : [];
    return node && node.kind === 'run' ? [node.run.id] : [];
  });
  return ids.length ? [...new Set(ids)] : undefined;
}

/** What a node stands for, the same across refreshes that make new node objects. */
export function nodeKey(node: ExplorerNode): string {
  if (node.kind === 'experiment') return `exp:${node.name}`;
  if (node.kind === 'run') return `run:${node.run.id}`;
  if (node.kind === 'more') return `more:${node.experiment}`;
  if (node.kind === 'sweep') return `sweep:${node.sweep.id}`;
  return `trial:${node.sweep.id}:${node.trial.key}`;
}

/** A run's row clicked: a preview Run panel (double-click: a pinned one). Not in the palette. */
export const CLICK_RUN_COMMAND = 'trackside.internal.clickRun';

const PAGE = 200;
const MAX_UPDATES_PER_SECOND = 2;

export type ExplorerNode =
  | { kind: 'experiment'; name: string; count: number; shown: number }
  | { kind: 'run'; run: RunListItem }
  | { kind: 'more'; experiment: string }
  | { kind: 'sweep'; sweep: SweepState }
  | { kind: 'trial'; sweep: SweepState; trial: Trial };

/**
 * Runs grouped by experiment, newest first. Groups page their runs; live changes update only
 * the nodes that changed, at most twice a second.
 */
export class RunExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly moved = new vscode.EventEmitter<string[]>();
  /**
   * Per group, how often it was opened for a reveal. VS Code keeps a known item folded whatever
   * its tree item says, so an opened group gets a new id and is drawn expanded.
   */
  private readonly openings = new Map<string, number>();
  /** Opened groups whose runs VS Code has listed since their last opening: they show open. */
  private readonly listedOpen = new Set<string>();
  private readonly didList = new vscode.EventEmitter<void>();
  /** Listed runs that moved to another group (a script naming its experiment), once the tree has them there. */
  readonly onDidMove = this.moved.event;

  private filter: RunFilter = {};
  private groups = new Map<string, ExplorerNode & { kind: 'experiment' }>();
  private runNodes = new Map<string, ExplorerNode & { kind: 'run' }>();
  private sweepNodes = new Map<string, ExplorerNode & { kind: 'sweep' }>();
  private trialNodes = new Map<string, ExplorerNode & { kind: 'trial' }>();
  private pendingSweeps = new Set<string>();
  private pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;

  constructor(
    private readonly source: RunsSource,
    /** Told when a listing fails (an invalid filter, an index that cannot be read); undefined when one succeeds. */
    private readonly onListError: (err: unknown) => void = () => undefined,
    private readonly sweeps?: SweepsSource,
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

  /** A sweep's queue changed (its id), or sweeps came or went (undefined). */
  sweepChanged(id: string | undefined): void {
    if (id === undefined || !this.sweepNodes.has(id)) this.pendingAll = true;
    else this.pendingSweeps.add(id);
    this.schedule();
  }

  /** Runs whose index rows changed: updates their items, or their group when they are new. */
  runsChanged(ids: Iterable<string>): void {
    for (const id of ids) this.pending.add(id);
    this.schedule();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const opened = this.openings.get(node.name);
      const item = new vscode.TreeItem(node.name, opened ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = opened ? `${nodeKey(node)}#${opened}` : nodeKey(node);
      item.description = `${node.count} run${node.count === 1 ? '' : 's'}`;
      item.contextValue = 'experiment';
      item.iconPath = new vscode.ThemeIcon('beaker');
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
      item.id = nodeKey(node);
      item.command = { command: 'trackside.internal.loadMore', title: 'Load more', arguments: [node.experiment] };
      return item;
    }
    if (node.kind === 'sweep') return sweepTreeItem(node.sweep);
    if (node.kind === 'trial') return trialTreeItem(node.sweep, node.trial);
    return runTreeItem(node.run);
  }

  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): Promise<vscode.TreeItem> {
    if (node.kind === 'run') item.tooltip = runTooltip(node.run, await this.source.details(node.run.id).catch(() => undefined));
    return item;
  }

  getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    return listed(async () => {
      const out = await this.children(node);
      if (node?.kind === 'experiment' && this.openings.has(node.name)) {
        this.listedOpen.add(node.name);
        this.didList.fire();
      }
      return out;
    }, this.onListError);
  }

  /** Every node below the groups, listed as the tree would list them with all groups open (VS Code is not told). */
  async listAll(): Promise<ExplorerNode[]> {
    const out: ExplorerNode[] = [];
    for (const g of await this.children()) out.push(...(await this.children(g)));
    return out;
  }

  /**
   * Opens a group in the tree; true once VS Code has listed its runs there, false after `ms`.
   * A group opened so and not folded since stays as it is: each reopening redraws the whole tree,
   * and a click on a row being redrawn is lost.
   */
  openGroup(name: string, ms: number): Promise<boolean> {
    if (this.listedOpen.has(name)) return Promise.resolve(true);
    this.openings.set(name, (this.openings.get(name) ?? 0) + 1);
    this.changed.fire(undefined);
    return holdsWithin([this.didList.event], () => this.listedOpen.has(name), ms);
  }

  /** The user folded a group. */
  folded(node: ExplorerNode): void {
    if (node.kind === 'experiment') this.listedOpen.delete(node.name);
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
      return [...this.sweepRoots(), ...next.values()];
    }
    if (node.kind === 'sweep') return this.trialNodesOf(node.sweep);
    if (node.kind === 'more' || node.kind === 'trial') return [];
    if (node.kind === 'run') return node.run.children > 0 ? this.runNodesOf(await source.children(node.run.id)) : [];
    const runs = await source.runs(node.name, this.filter, 0, node.shown);
    const out: ExplorerNode[] = this.runNodesOf(runs);
    if (node.count > node.shown) out.push({ kind: 'more', experiment: node.name });
    return out;
  }

  // Nodes keep their identity across refreshes: a command from a context menu opened just
  // before a refresh still finds the node it was opened on.
  private sweepRoots(): ExplorerNode[] {
    // The run queue first, then the sweeps, newest first.
    const sweeps = [...(this.sweeps?.list() ?? [])].sort((a, b) => Number(b.kind === 'queue') - Number(a.kind === 'queue'));
    this.sweepNodes = new Map(
      sweeps.map((sweep) => {
        const node = this.sweepNodes.get(sweep.id) ?? { kind: 'sweep' as const, sweep };
        node.sweep = sweep;
        return [sweep.id, node];
      }),
    );
    return [...this.sweepNodes.values()];
  }

  private trialNodesOf(sweep: SweepState): ExplorerNode[] {
    return sweep.trials.map((trial) => {
      const id = `${sweep.id}:${trial.key}`;
      const node = this.trialNodes.get(id) ?? { kind: 'trial' as const, sweep, trial };
      Object.assign(node, { sweep, trial });
      this.trialNodes.set(id, node);
      return node;
    });
  }

  private runNodesOf(runs: RunListItem[]): ExplorerNode[] {
    const moved: string[] = [];
    const nodes = runs.map((run) => {
      const existing = this.runNodes.get(run.id);
      if (existing) {
        // Listed in another place than its node knew (it moved before a flush saw it): told as a move.
        if (!samePlace(existing.run, run)) moved.push(run.id);
        existing.run = run;
        return existing;
      }
      const n = { kind: 'run' as const, run };
      this.runNodes.set(run.id, n);
      return n;
    });
    if (moved.length) this.moved.fire(moved);
    return nodes;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node.kind === 'trial') return this.sweepNodes.get(node.sweep.id);
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

  private readonly flushWaiters: (() => void)[] = [];

  /** Resolves once the changes already told have reached the tree (a reveal before that is undone by the refresh). */
  afterFlush(): Promise<void> {
    if (!this.timer) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + 1000 / MAX_UPDATES_PER_SECOND - Date.now());
    this.timer = setTimeout(
      () =>
        void this.flush()
          .catch((err) => this.onListError(err))
          .finally(() => {
            for (const w of this.flushWaiters.splice(0)) w();
          }),
      wait,
    );
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.lastFlush = Date.now();
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      this.pendingSweeps.clear();
      this.runNodes.clear();
      this.changed.fire(undefined);
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    const fire: ExplorerNode[] = [];
    for (const id of this.pendingSweeps) {
      const node = this.sweepNodes.get(id);
      const now = this.sweeps?.get(id);
      if (node && now) {
        node.sweep = now;
        fire.push(node);
      }
    }
    this.pendingSweeps.clear();
    let structural = false;
    let recount = false;
    const moved: string[] = [];
    const fresh = await Promise.all(ids.map((id) => this.source.run(id, this.filter)));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const node = this.runNodes.get(id);
      const now = fresh[i];
      if (node && now && samePlace(node.run, now)) {
        node.run = now;
        fire.push(node);
      } else if (!node && !now?.parent) {
        recount = true; // not shown: new, in a collapsed group, paged past or filtered out
      } else if (node && now) {
        // Moved: the same node in its new place, so a reveal of it still resolves there.
        structural = true;
        node.run = now;
        moved.push(id);
      } else {
        structural = true; // filtered out, deleted or nested: its listing changes
        this.runNodes.delete(id);
      }
    }
    // The other nodes keep their identity: a reveal of one listed just before still finds it.
    // A live run in a collapsed group redraws only the groups whose count changed: a whole-tree
    // refresh twice a second would close a context menu open on another item (a queued trial).
    if (recount && !structural) structural = !(await this.recount(fire));
    if (structural) {
      this.changed.fire(undefined);
    } else if (fire.length) {
      this.changed.fire(fire);
    }
    if (moved.length) this.moved.fire(moved);
  }

  /** Updates the groups' counts (their nodes into `fire`); false when groups came or went. */
  private async recount(fire: ExplorerNode[]): Promise<boolean> {
    const groups = (await this.source.groups(this.filter)).filter((g) => g.count > 0);
    if (groups.length !== this.groups.size || groups.some((g) => !this.groups.has(g.name))) return false;
    for (const g of groups) {
      const node = this.groups.get(g.name)!;
      if (node.count === g.count) continue;
      node.count = g.count;
      fire.push(node);
    }
    return true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
    this.moved.dispose();
    this.didList.dispose();
  }
}

/** Listed in the same place: the same experiment group, under the same parent run. */
function samePlace(a: RunListItem, b: RunListItem): boolean {
  return a.experiment === b.experiment && a.parent === b.parent;
}

/** A tree's children; a failed listing shows no children and its error in the view (cleared by the next success). */
export async function listed<T>(children: () => Promise<T[]>, onListError: (err: unknown) => void): Promise<T[]> {
  try {
    const found = await children();
    onListError(undefined);
    return found;
  } catch (err) {
    onListError(err);
    return [];
  }
}

export function runTreeItem(run: RunListItem): vscode.TreeItem {
  // A run with nested runs (MLflow child runs) opens to them.
  const item = new vscode.TreeItem(run.name, run.children > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `run:${run.id}`;
  const [icon, color] = STATUS_ICONS[run.status] ?? ['circle-outline'];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const metric = run.primary ? `${run.primary.key} ${formatMetric(run.primary.value)}` : '';
  item.description = [metric, run.status === 'running' ? 'running' : formatAge(run.started)].filter(Boolean).join(' · ');
  item.contextValue = ['run', run.status, run.rerunnable ? 'rerunnable' : ''].filter(Boolean).join(';');
  item.command = { command: CLICK_RUN_COMMAND, title: 'Open Run', arguments: [run.id, run.name] };
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
