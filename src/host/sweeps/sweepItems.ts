// How a sweep and its trials look in the Run Explorer: the sweep with its progress and best
// value, each trial with its params, status (queued ones too) and metric; the run queue with
// how many of its runs wait, run and are done.
import * as vscode from 'vscode';
import { formatMetric } from '../../core/display';
import { isActive, type SweepState, type Trial } from '../../core/sweeps/sweepState';
import { STATUS_ICONS } from '../statusIcons';

const SWEEP_ICONS: Record<SweepState['status'], [string, string?]> = {
  running: ['sync~spin', 'charts.blue'],
  paused: ['debug-pause', 'charts.yellow'],
  cancelled: ['circle-slash'],
  finished: ['pass', 'testing.iconPassed'],
};

export function bestTrial(s: SweepState): Trial | undefined {
  const sign = s.spec.metric?.goal === 'maximize' ? -1 : 1;
  let best: Trial | undefined;
  for (const t of s.trials) {
    if (typeof t.value !== 'number' || t.status !== 'finished') continue;
    if (!best || sign * t.value < sign * (best.value as number)) best = t;
  }
  return best;
}

export function sweepTreeItem(s: SweepState): vscode.TreeItem {
  if (s.kind === 'queue') return queueTreeItem(s);
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `sweep:${s.id}`;
  const done = s.trials.filter((t) => !isActive(t.status) && t.status !== 'queued').length;
  const running = s.trials.filter((t) => isActive(t.status)).length;
  const best = bestTrial(s);
  item.description = [
    `sweep · ${s.status}`,
    `${done}/${s.trials.length} done`,
    running ? `${running} running` : '',
    best && s.spec.metric ? `best ${s.spec.metric.name} ${formatMetric(best.value as number)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const [icon, color] = SWEEP_ICONS[s.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = `sweep;${s.status}`;
  item.tooltip = new vscode.MarkdownString().appendText(`${s.name} (${s.spec.method}) · ${s.status}\n${s.file}${s.message ? `\n\n${s.message}` : ''}`);
  item.command = { command: 'trackside.openSweep', title: 'Open Sweep', arguments: [s.id] };
  item.accessibilityInformation = { label: `Sweep ${s.name}, ${s.status}, ${done} of ${s.trials.length} trials done` };
  return item;
}

function queueTreeItem(s: SweepState): vscode.TreeItem {
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `sweep:${s.id}`;
  const count = (f: (t: Trial) => boolean): number => s.trials.filter(f).length;
  const running = count((t) => isActive(t.status));
  const queued = count((t) => t.status === 'queued');
  const done = s.trials.length - running - queued;
  const state = s.status === 'paused' || s.status === 'cancelled' ? s.status : running ? 'running' : 'idle';
  item.description = ['queue', state, running ? `${running} running` : '', queued ? `${queued} queued` : '', done ? `${done} done` : ''].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('list-ordered', running ? new vscode.ThemeColor('charts.blue') : undefined);
  item.contextValue = `queue;${s.status}`;
  item.tooltip = new vscode.MarkdownString().appendText(`Runs queued with Queue Tracked Run: at most trackside.queue.concurrency run at once.${s.message ? `\n\n${s.message}` : ''}`);
  item.accessibilityInformation = { label: `Run queue, ${state}, ${queued} queued, ${running} running` };
  return item;
}

/** `#3 lr=0.01 epochs=5` for a trial; `#3 train.py lr=0.01` for a queued run. */
export function trialLabel(s: SweepState, t: Trial): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v)}`)
    .join(' ');
  if (t.run) return [`#${t.key}`, t.run.label, params].filter(Boolean).join(' ');
  return `#${t.key} ${params || '(suggested when it starts)'}`;
}

export function trialTreeItem(s: SweepState, t: Trial): vscode.TreeItem {
  const item = new vscode.TreeItem(trialLabel(s, t), vscode.TreeItemCollapsibleState.None);
  item.id = `trial:${s.id}:${t.key}`;
  const metric = typeof t.value === 'number' && s.spec.metric ? `${s.spec.metric.name} ${formatMetric(t.value)}` : '';
  item.description = [t.status, metric].filter(Boolean).join(' · ');
  const [icon, color] = t.status === 'queued' ? ['clock'] : t.status === 'starting' ? ['loading~spin'] : (STATUS_ICONS[t.status] ?? ['circle-outline']);
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = ['trial', t.status, t.runId ? 'run' : ''].filter(Boolean).join(';');
  if (t.runId) item.command = { command: 'trackside.openRun', title: 'Open Run', arguments: [t.runId] };
  if (t.message) item.tooltip = t.message;
  item.accessibilityInformation = { label: `Trial ${t.key}, ${t.status}${metric ? `, ${metric}` : ''}` };
  return item;
}
