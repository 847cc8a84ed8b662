// The Models view: models → versions (aliases, evaluation count, a warning when an
// evaluation degraded, the newest gate verdict) → evaluation runs (date, dataset hash,
// metrics against the first). With a team index connected, a Team node lists the team's
// models → versions with their aliases, read only (aliases move where a model was
// registered, and reach the team with a push); a team version opens its training run.
import * as vscode from 'vscode';
import { formatMetric } from '../../core/display';
import type { GateRecord } from '../../core/models/gateQueries';
import type { ModelInfo, VersionInfo } from '../../core/models/modelQueries';
import type { TeamVersionInfo } from '../../core/team/teamModels';
import { toTeamId } from '../../core/team/teamId';
import type { EvaluationRow, VersionReport } from '../../core/models/versionReport';
import { Commands } from '../commandIds';
import type { ModelService } from './modelService';
import { degradationSettings } from './modelSettings';

export type ModelNode =
  | { kind: 'model'; model: ModelInfo }
  | { kind: 'version'; version: VersionInfo; report: VersionReport | undefined; gate?: GateRecord }
  | { kind: 'evaluation'; name: string; version: number; row: EvaluationRow; report: VersionReport }
  | { kind: 'team'; target: string }
  | { kind: 'teamModel'; model: ModelInfo }
  | { kind: 'teamVersion'; version: TeamVersionInfo };

/** The team index's registry, when one is connected. */
export interface TeamModelSource {
  /** Where the team index is (user@host:port/database); undefined when none is connected. */
  target(): Promise<string | undefined>;
  models(): Promise<ModelInfo[]>;
  versions(name: string): Promise<TeamVersionInfo[]>;
}

function percent(x: number | null): string {
  if (x === null) return 'not comparable';
  return `${Math.abs(x * 100).toFixed(1)} % ${x > 0 ? 'worse' : 'better'}`;
}

function date(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A failed gate first, then a degradation, then a passed gate. */
function versionIcon(gate: GateRecord | undefined, degraded: boolean): vscode.ThemeIcon {
  if (gate?.verdict === 'fail') return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (degraded) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (gate?.verdict === 'pass') return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  return new vscode.ThemeIcon('versions');
}

/** The newest gate verdict with its reasons; reasons and refs come from files, so they are text. */
function appendGate(md: vscode.MarkdownString, g: GateRecord): void {
  const against = g.mode === 'compare' && g.baseline !== undefined ? ` against v${g.baseline}${g.baseline_ref ? ` (${g.baseline_ref})` : ''}` : ' against its first evaluation';
  md.appendMarkdown('\n\n---\n\n**').appendText(`Gate ${g.verdict === 'pass' ? 'passed' : 'failed'}`).appendMarkdown('**');
  md.appendText(`${against}, ${date(g.t)}`).appendMarkdown('  \n');
  for (const reason of g.reasons.slice(0, 6)) md.appendText(`${g.verdict === 'pass' ? '✓' : '✗'} ${reason}`).appendMarkdown('  \n');
  if (g.reasons.length > 6) md.appendText(`… and ${g.reasons.length - 6} more`).appendMarkdown('  \n');
  if (g.promoted) md.appendText(`promoted to ${g.promoted}`).appendMarkdown('  \n');
  if (g.commit) md.appendText(`commit ${g.commit.slice(0, 12)}`);
}

export class ModelsView implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private team: TeamModelSource | undefined;

  constructor(private readonly models: ModelService) {
    this.disposables.push(models.onDidChange(() => this.changed.fire(undefined)));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  setTeam(team: TeamModelSource): void {
    this.team = team;
    this.refresh();
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    // An index that cannot be read is explained in the Runs view; this one stays empty.
    const failed = () => this.models.index.status.state === 'failed';
    if (failed()) return [];
    try {
      return await this.children(node);
    } catch (err) {
      if (!failed()) throw err;
      return [];
    }
  }

  private async children(node?: ModelNode): Promise<ModelNode[]> {
    const index = this.models.index;
    if (!node) {
      const [local, target] = await Promise.all([index.call('listModels'), this.team?.target().catch(() => undefined)]);
      const out: ModelNode[] = local.map((model) => ({ kind: 'model', model }));
      if (target) out.push({ kind: 'team', target });
      return out;
    }
    if (node.kind === 'team') return (await this.team!.models()).map((model) => ({ kind: 'teamModel', model }));
    if (node.kind === 'teamModel') return (await this.team!.versions(node.model.name)).map((version) => ({ kind: 'teamVersion', version }));
    if (node.kind === 'model') {
      const settings = degradationSettings();
      const versions = await index.call('listVersions', node.model.name);
      const [reports, gates] = await Promise.all([
        Promise.all(versions.map((v) => (v.evaluations ? index.call('versionReport', v.name, v.version, settings) : undefined))),
        index.call('latestGates', node.model.name),
      ]);
      const gateOf = new Map(gates.map((g) => [g.version, g]));
      return versions.map((version, i) => ({ kind: 'version', version, report: reports[i], gate: gateOf.get(version.version) }));
    }
    if (node.kind === 'version' && node.report) {
      const report = node.report;
      return [...report.evaluations].reverse().map((row) => ({ kind: 'evaluation', name: report.name, version: report.version, row, report }));
    }
    return [];
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    if (node.kind === 'team' || node.kind === 'teamModel' || node.kind === 'teamVersion') return teamItem(node);
    if (node.kind === 'model') {
      const m = node.model;
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `model:${m.name}`;
      const aliases = Object.entries(m.aliases).map(([a, v]) => `${a} v${v}`);
      item.description = [`${m.versions} version${m.versions === 1 ? '' : 's'}`, ...aliases].join(' · ');
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'model';
      return item;
    }
    if (node.kind === 'version') {
      const v = node.version;
      const item = new vscode.TreeItem(`v${v.version}`, v.evaluations ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `model:${v.name}:${v.version}`;
      const degraded = node.report?.evaluations.filter((e) => e.degraded).length ?? 0;
      const gate = node.gate;
      item.description = [
        v.aliases.join(', '),
        `${v.evaluations} evaluation${v.evaluations === 1 ? '' : 's'}`,
        degraded ? `${degraded} degraded` : '',
        gate ? `gate ${gate.verdict === 'pass' ? 'passed' : 'failed'}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      item.iconPath = versionIcon(gate, degraded > 0);
      // Names come from run logs: appended as text, never as Markdown (no links or images from data).
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**').appendText(`${v.name} v${v.version}`).appendMarkdown('**  \n');
      md.appendText(`run ${v.runName ?? v.runId ?? '—'}`).appendMarkdown('  \n');
      md.appendText(`logged ${date(v.t)}`).appendMarkdown('  \n');
      md.appendText(`weights sha256 ${v.hash.slice(0, 16)}…`);
      if (gate) appendGate(md, gate);
      item.tooltip = md;
      item.contextValue = gate ? 'modelVersionGated' : 'modelVersion';
      item.command = { command: Commands.openModel, title: 'Open Model', arguments: [node] };
      return item;
    }
    const e = node.row;
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
    item.id = `model:${node.name}:${node.version}:${e.runId}`;
    // The metric first (a degraded one when there is), so a narrow view still shows it; the icon marks the degradation.
    const shown = e.checks.find((c) => c.degraded)?.key ?? node.report.metrics[0];
    item.description = [
      shown !== undefined && e.values[shown] !== undefined ? `${shown} ${formatMetric(e.values[shown] ?? Number.NaN)}` : '',
      e.baseline ? 'baseline' : e.status !== 'finished' && !e.degraded ? e.status : '',
      date(e.started),
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = e.degraded
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : e.status === 'running'
        ? new vscode.ThemeIcon('loading~spin')
        : e.status === 'finished'
          ? new vscode.ThemeIcon('pass')
          : new vscode.ThemeIcon('error');
    const lines = e.checks.map((c) => `${c.degraded ? '⚠ ' : ''}${c.key}: ${formatMetric(c.baseline ?? Number.NaN)} → ${formatMetric(c.value ?? Number.NaN)} (${percent(c.change)})`);
    item.accessibilityInformation = { label: [e.name, e.degraded ? 'degraded' : '', item.description].filter(Boolean).join(', ') };
    item.tooltip = [`${e.name} (${e.runId})${e.degraded ? ' · degraded' : ''}`, ...e.datasets.map((d) => `${d.name} sha256 ${d.hash}`), ...lines].join('\n');
    item.contextValue = 'modelEvaluation';
    item.command = { command: Commands.openRun, title: 'Open Run', arguments: [e.runId] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

const READ_ONLY = 'Read only: aliases move where the model was registered (Set Model Alias there) and reach the team index with its next push.';

function teamItem(node: ModelNode & { kind: 'team' | 'teamModel' | 'teamVersion' }): vscode.TreeItem {
  if (node.kind === 'team') {
    const item = new vscode.TreeItem('Team', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = 'team-models';
    item.description = node.target;
    item.tooltip = `The team index at ${node.target}. ${READ_ONLY}`;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'teamModels';
    return item;
  }
  if (node.kind === 'teamModel') {
    const m = node.model;
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `team-model:${m.name}`;
    item.description = [`${m.versions} version${m.versions === 1 ? '' : 's'}`, ...Object.entries(m.aliases).map(([a, v]) => `${a} v${v}`)].join(' · ');
    item.tooltip = `${m.name} in the team index. ${READ_ONLY}`;
    item.iconPath = new vscode.ThemeIcon('package');
    item.contextValue = 'teamModel';
    return item;
  }
  const v = node.version;
  const item = new vscode.TreeItem(`v${v.version}`, vscode.TreeItemCollapsibleState.None);
  item.id = `team-model:${v.name}:${v.version}`;
  item.description = [v.aliases.join(', '), `${v.evaluations} evaluation${v.evaluations === 1 ? '' : 's'}`, `pushed by ${v.pushedBy}`].filter(Boolean).join(' · ');
  // Names come from run logs: appended as text, never as Markdown.
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(`${v.name} v${v.version}`).appendMarkdown('**  \n');
  md.appendText(`run ${v.runName ?? v.runId ?? '—'}, pushed by ${v.pushedBy}`).appendMarkdown('  \n');
  md.appendText(`logged ${date(v.t)}`).appendMarkdown('  \n');
  md.appendText(`weights sha256 ${v.hash.slice(0, 16)}…`).appendMarkdown('  \n');
  md.appendText(READ_ONLY);
  item.tooltip = md;
  item.iconPath = new vscode.ThemeIcon('versions');
  item.contextValue = 'teamModelVersion';
  if (v.runId) item.command = { command: Commands.openRun, title: 'Open Run', arguments: [toTeamId(v.runId)] };
  return item;
}
