// The Sweep panel webview: which parameters matter. The best trial (Open Run, Compare the top
// N), the parallel-coordinates chart of every trial with brushing, the metric against each
// parameter, and parameter importance, all redrawn as the sweep's trials finish.
import type { SweepFromWebview, SweepPanelState, SweepToWebview, SweepTrialView, SweepView } from '../../src/protocol/sweepPanel';
import { el } from '../shared/dom';
import { formatMetric, formatParam } from '../shared/format';
import { onThemeChange, readTheme } from '../shared/theme';
import '../shared/elements';
import { connect } from '../shared/vscodeApi';
import { axesOf, bestTrials, complete, goodness } from './axes';
import { ParallelChart } from './parallelChart';
import { Scatters } from './scatters';

const channel = connect<SweepToWebview, SweepFromWebview, SweepPanelState>();
let state: SweepPanelState = { sweepId: '', ...channel.state() };
const post = (m: SweepFromWebview) => channel.post(m);
let theme = readTheme();
let sweep: SweepView | undefined;
let topN = 3;

const title = el('h1', { text: 'Sweep' });
const summary = el('p', { class: 'sweep-summary' });
const message = el('p', { class: 'warning', attrs: { hidden: true } });
const best = el('div', { class: 'sweep-best' });
const brushNote = el('p', { class: 'muted brush-note' });
const importance = el('div', { class: 'importance' });
const scatters = new Scatters();
const chart = new ParallelChart(state.brush ?? {}, {
  onBrush: (brush) => {
    state = { ...state, brush };
    channel.setState(state);
    render();
  },
  onOpen: (t) => t.runId && post({ type: 'openRun', runId: t.runId }),
});
const empty = el('p', { class: 'muted', text: 'No trial has finished yet: the charts fill in as trials log the metric.' });
const section = (name: string, label: string, ...body: Node[]) => el('section', { class: 'section', dataset: { section: name } }, el('h2', { text: label }), ...body);

document.body.append(
  el(
    'main',
    { class: 'sweep-panel' },
    el('header', {}, title, summary, message),
    best,
    section('parallel', 'Trials', brushNote, el('div', { class: 'pcp-canvas' }, chart.element), empty),
    section('importance', 'Which parameters matter', importance),
    section('scatter', 'Metric by parameter', scatters.element),
  ),
);

function colorFor(s: SweepView, trials: SweepTrialView[]): (t: SweepTrialView) => string {
  const g = goodness(s, trials);
  const light = theme.kind === 'light' || theme.kind === 'high-contrast-light';
  // Best green, worst red, through yellow; lightness that reads on the theme's background.
  return (t) => `hsl(${(120 * (1 - g(t))).toFixed(0)}, ${light ? 75 : 70}%, ${light ? 38 : 58}%)`;
}

function render(): void {
  const s = sweep;
  if (!s) return;
  title.textContent = `Sweep: ${s.name}`;
  const done = s.trials.filter((t) => !['queued', 'starting', 'running'].includes(t.status)).length;
  const running = s.trials.filter((t) => t.status === 'running' || t.status === 'starting').length;
  summary.textContent = `${s.method} · ${s.status} · ${done} of ${s.trials.length} trials done${running ? ` · ${running} running` : ''}${s.metric ? ` · ${s.metric.goal} ${s.metric.name}` : ''}`;
  message.hidden = !s.message;
  message.textContent = s.message ?? '';
  renderBest(s);

  const axes = axesOf(s, s.trials);
  // With a metric, the trials that logged it; without one, every trial that started.
  const trials = complete(axes, s.trials.filter((t) => (s.metric ? t.value !== null : !['queued', 'starting'].includes(t.status))));
  empty.hidden = trials.length > 0 || !s.metric;
  const colorOf = colorFor(s, trials);
  chart.show(axes, trials, colorOf, theme);
  const shown = trials.filter((t) => chart.inBrush(t)).length;
  const brushed = Object.keys(state.brush ?? {}).length > 0;
  brushNote.textContent = brushed
    ? `${shown} of ${trials.length} trials inside the brushed ranges (click an axis to clear its range, double-click to clear all).`
    : 'Drag along an axis to keep only the trials in that range; click a line to open its run.';
  const metricAxis = axes.find((a) => a.key.startsWith('metric:'));
  if (metricAxis) scatters.show(axes.filter((a) => a !== metricAxis), metricAxis, trials, colorOf, (t) => chart.inBrush(t), bestTrials(s, 1)[0], theme);
  renderImportance(s);
}

function renderBest(s: SweepView): void {
  const top = bestTrials(s, 1)[0];
  best.hidden = !top || !s.metric;
  if (!top || !s.metric) {
    best.replaceChildren();
    return;
  }
  const params = s.params.map((p) => `${p}=${formatParam(top.params[p])}`).join(', ');
  const n = Math.min(topN, bestTrials(s, 10).length);
  const select = el('select', {
    attrs: { 'aria-label': 'How many of the best trials to compare' },
    on: {
      change: (e) => {
        topN = Number((e.target as HTMLSelectElement).value);
        renderBest(s);
      },
    },
  });
  for (const k of [2, 3, 5, 10]) select.append(el('option', { text: String(k), attrs: { value: String(k), selected: k === topN } }));
  best.replaceChildren(
    el('span', { class: 'best-label', text: 'Best trial' }),
    el('strong', { text: `#${top.key}` }),
    el('span', { text: ` ${s.metric.name} ${formatMetric(top.value!)}` }),
    el('span', { class: 'muted', text: ` · ${params}` }),
    el('vscode-button', { text: 'Open Run', on: { click: () => post({ type: 'openRun', runId: top.runId! }) } }),
    el('vscode-button', {
      attrs: { secondary: true, disabled: n < 2 },
      text: `Compare Top ${n}`,
      on: { click: () => post({ type: 'compare', runIds: bestTrials(s, topN).map((t) => t.runId!) }) },
    }),
    el('label', { class: 'muted' }, 'top ', select),
  );
}

function renderImportance(s: SweepView): void {
  const imp = s.importance;
  if (!imp) {
    importance.replaceChildren(el('p', { class: 'muted', text: 'Shown once three trials have finished with different parameters.' }));
    return;
  }
  const entries = Object.entries(imp.values).sort((a, b) => b[1] - a[1]);
  const max = Math.max(...entries.map((e) => e[1]), 1e-12);
  const label =
    imp.kind === 'optuna'
      ? "Optuna's fANOVA importance evaluator: the share of the metric's variance each parameter explains."
      : "Rank correlation (|Spearman ρ|) of each parameter with the metric: Optuna's importance evaluator is not available.";
  importance.replaceChildren(
    el('p', { class: 'muted importance-kind', text: label, dataset: { kind: imp.kind } }),
    ...(imp.kind === 'rank' && imp.note ? [el('p', { class: 'muted', text: imp.note })] : []),
    el(
      'ul',
      { class: 'importance-bars', attrs: { 'aria-label': 'Parameter importance' } },
      ...entries.map(([name, v]) =>
        el(
          'li',
          {},
          el('span', { class: 'importance-name', text: name }),
          el('span', { class: 'importance-track' }, el('span', { class: 'importance-bar', attrs: { style: undefined }, dataset: { width: String(v / max) } })),
          el('span', { class: 'importance-value', text: v.toFixed(2) }),
        ),
      ),
    ),
  );
  // Widths through the CSSOM (CSP allows it; inline style attributes it does not).
  importance.querySelectorAll<HTMLElement>('.importance-bar').forEach((bar) => (bar.style.width = `${(Number(bar.dataset.width) * 100).toFixed(1)}%`));
}

channel.onMessage((m) => {
  if (m.type === 'missing') {
    title.textContent = 'Sweep not found';
    summary.textContent = `The sweep ${m.sweepId} is not in this workspace's .trackside/sweeps any more.`;
    return;
  }
  sweep = m.sweep;
  if (state.sweepId !== m.sweep.id) {
    state = { sweepId: m.sweep.id };
    channel.setState(state);
  }
  render();
});

onThemeChange(() => {
  theme = readTheme();
  chart.dispose();
  render();
});

post({ type: 'ready' });
