// The Team Runs view: the team index's runs by experiment, then by who pushed them, newest
// first, paged; filtered with the query language. Rows look like the Run Explorer's (status
// icon, primary metric, age) and carry "team:<id>", so Open Run and Compare take them as
// they are.
import * as vscode from 'vscode';
import type { TeamGroup } from '../../core/team/teamRuns';
import type { TeamRunItem } from '../../worker/teamMethods';
import { NO_EXPERIMENT } from '../../protocol/explorer';
import { listed, runTreeItem } from '../runExplorer';

export interface TeamSource {
  groups(query: string): Promise<TeamGroup[]>;
  runs(experiment: string | null, person: string, offset: number, limit: number, query: string): Promise<TeamRunItem[]>;
}

const PAGE = 200;

type PersonNode = { kind: 'person'; experiment: string | null; person: string; runs: number; running: number; shown: number };
export type TeamNode =
  | { kind: 'experiment'; name: string | null; runs: number; people: PersonNode[] }
  | PersonNode
  | { kind: 'run'; run: TeamRunItem }
  | { kind: 'more'; of: PersonNode };

export class TeamView implements vscode.TreeDataProvider<TeamNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TeamNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private query = '';
  /** How many runs each person's group shows, kept across refreshes. */
  private readonly shown = new Map<string, number>();

  constructor(
    private readonly source: TeamSource,
    /** Told when a listing fails; undefined when one succeeds. */
    private readonly onListError: (err: unknown) => void,
  ) {}

  get filter(): string {
    return this.query;
  }

  setFilter(query: string): void {
    this.query = query.trim();
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: TeamNode): vscode.TreeItem {
    switch (node.kind) {
      case 'experiment': {
        const item = new vscode.TreeItem(node.name ?? NO_EXPERIMENT, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `team-exp:${node.name ?? ''}`;
        item.description = `${node.runs} run${node.runs === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'teamExperiment';
        return item;
      }
      case 'person': {
        const item = new vscode.TreeItem(node.person, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `team-person:${node.experiment ?? ''}\u0000${node.person}`;
        item.description = [`${node.runs} run${node.runs === 1 ? '' : 's'}`, node.running ? `${node.running} running` : ''].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = 'teamPerson';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `team-more:${node.of.experiment ?? ''}\u0000${node.of.person}`;
        item.command = { command: 'trackside.internal.teamLoadMore', title: 'Load more', arguments: [node.of] };
        return item;
      }
      case 'run': {
        const item = runTreeItem(node.run);
        item.contextValue = `teamRun;${node.run.status}`;
        item.tooltip = `${node.run.name} · ${node.run.status}\n${node.run.id.replace(/^team:/, '')}\npushed by ${node.run.pushedBy} from ${node.run.pushedHost}`;
        return item;
      }
    }
  }

  getChildren(node?: TeamNode): Promise<TeamNode[]> {
    return listed(() => this.children(node), this.onListError);
  }

  private async children(node?: TeamNode): Promise<TeamNode[]> {
    if (!node) {
      const byExperiment = new Map<string | null, TeamNode & { kind: 'experiment' }>();
      for (const g of await this.source.groups(this.query)) {
        let e = byExperiment.get(g.experiment);
        if (!e) byExperiment.set(g.experiment, (e = { kind: 'experiment', name: g.experiment, runs: 0, people: [] }));
        e.runs += g.runs;
        const key = `${g.experiment ?? ''}\u0000${g.person}`;
        e.people.push({ kind: 'person', experiment: g.experiment, person: g.person, runs: g.runs, running: g.running, shown: this.shown.get(key) ?? PAGE });
      }
      return [...byExperiment.values()];
    }
    if (node.kind === 'experiment') return node.people;
    if (node.kind !== 'person') return [];
    const runs = await this.source.runs(node.experiment, node.person, 0, node.shown, this.query);
    const out: TeamNode[] = runs.map((run) => ({ kind: 'run', run }));
    if (node.runs > node.shown) out.push({ kind: 'more', of: node });
    return out;
  }

  loadMore(node: PersonNode): void {
    node.shown += PAGE;
    this.shown.set(`${node.experiment ?? ''}\u0000${node.person}`, node.shown);
    this.changed.fire(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
