// The Compare panel webview: a legend of runs (one color each, kept everywhere), overlaid
// charts (values logged once as a summary above them), metric summaries with the best run
// marked, the params that differ, images side by side, and the dataset and code files that
// differ.
import type { CompareFromWebview, ComparePanelState, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunView } from '../../src/protocol/runView';
import { type GridRun, isSeriesMessage, panelCharts } from '../shared/chartGrid';
import { el } from '../shared/dom';
import { onThemeChange, readTheme, runColor } from '../shared/theme';
import '../shared/elements';
import { connect } from '../shared/vscodeApi';
import { renderDiffs } from './diffs';
import { renderImages } from './images';
import { renderLegend } from './legend';
import { renderParams } from './params';
import { renderSummaries } from './summaries';
import { SummaryStrip, singleValueKeys } from '../shared/summaryStrip';

const channel = connect<CompareToWebview, CompareFromWebview, ComparePanelState>();
const state: ComparePanelState = { runIds: [], ...channel.state() };
const save = () => channel.setState(state);
const post = (m: CompareFromWebview) => channel.post(m);

let theme = readTheme();
let runs: RunView[] = [];
let missing: string[] = [];
const { grid, toolbar } = panelCharts(post, state, save, theme);

const title = el('h1', { text: 'Compare runs' });
const legend = el('ul', { class: 'run-legend', attrs: { 'aria-label': 'Runs' } });
const notice = el('p', { class: 'warning', attrs: { hidden: true } });
const paramsBody = el('div');
const summariesBody = el('div');
const imagesBody = el('div');
const diffsBody = el('div');
const section = (name: string, label: string, ...body: Node[]) => {
  const d = el('details', { class: 'section compare-section', attrs: { open: !state.collapsed?.includes(name) }, dataset: { section: name } }, el('summary', {}, el('h2', { class: 'inline', text: label })), ...body);
  d.addEventListener('toggle', () => {
    const rest = (state.collapsed ?? []).filter((n) => n !== name);
    state.collapsed = d.open ? rest : [...rest, name];
    save();
  });
  return d;
};

const summary = new SummaryStrip();
const loading = el('div', { class: 'loading' }, el('vscode-progress-ring'), el('span', { text: 'Loading runs…' }));
// What differs in the results first (charts, then the numbers), then what was set.
const content = el(
  'div',
  { attrs: { hidden: true } },
  section('charts', 'Charts', toolbar, summary.element, grid.element),
  section('summaries', 'Metrics', summariesBody),
  section('params', 'Parameters', paramsBody),
  section('images', 'Images', imagesBody),
  section('diffs', 'Datasets and code', diffsBody),
);
document.body.append(el('main', { class: 'compare-panel' }, el('header', { class: 'compare-header' }, title, legend, notice), loading, content));

/** A run's color slot: kept while it is compared, so it has one color in every chart. */
function colorOf(id: string): string {
  return runColor(theme, state.slots?.[id] ?? 0);
}

/** New runs take the lowest free slot; runs that left free theirs. */
function assignSlots(ids: string[]): void {
  const slots: Record<string, number> = {};
  for (const id of ids) if (state.slots?.[id] !== undefined) slots[id] = state.slots[id];
  const used = new Set(Object.values(slots));
  let next = 0;
  for (const id of ids) {
    if (slots[id] !== undefined) continue;
    while (used.has(next)) next++;
    slots[id] = next;
    used.add(next);
  }
  state.slots = slots;
}

function gridRuns(): GridRun[] {
  const hidden = new Set(state.hidden ?? []);
  return runs.map((r) => ({ id: r.id, label: r.name, color: colorOf(r.id), start: r.started ?? 0, hidden: hidden.has(r.id) }));
}

function render(): void {
  title.textContent = `Compare ${runs.length} run${runs.length === 1 ? '' : 's'}`;
  document.title = title.textContent;
  notice.hidden = missing.length === 0;
  notice.textContent = missing.length ? `Not in the index any more: ${missing.join(', ')}` : '';
  // The charts first: their series are asked for while the rest is rendered.
  grid.setRuns(gridRuns());
  const singles = singleValueKeys(runs);
  const hidden = new Set(state.hidden ?? []);
  summary.render(
    [...singles].sort(),
    runs.filter((r) => !hidden.has(r.id)).map((r) => ({ id: r.id, label: r.name, color: colorOf(r.id), metrics: r.metrics })),
  );
  const keys = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].filter((k) => !singles.has(k)).sort();
  grid.setKeys(keys);
  renderLegend(legend, runs, colorOf, hidden, {
    toggle: (id) => {
      const hidden = new Set(state.hidden ?? []);
      if (hidden.has(id)) hidden.delete(id);
      else hidden.add(id);
      state.hidden = [...hidden];
      save();
      render();
    },
    open: (id) => post({ type: 'openRun', runId: id }),
    remove: (id) => post({ type: 'removeRun', runId: id }),
  });
  renderParams(paramsBody, runs, colorOf, state.showAllParams ?? false, (all) => {
    state.showAllParams = all;
    save();
    render();
  });
  renderSummaries(summariesBody, runs, colorOf);
  renderImages(imagesBody, runs, colorOf, state, (c) => {
    if (c.key !== undefined) state.imageKey = c.key;
    if (c.step !== undefined) state.imageStep = c.step;
    if (c.size !== undefined) state.imageSize = c.size;
    save();
  });
  renderDiffs(diffsBody, runs, colorOf, (path, left, right) => post({ type: 'diffCode', path, left, right }));
}

onThemeChange(() => {
  theme = readTheme();
  grid.setTheme(theme);
  if (runs.length) render();
});

channel.onMessage((m) => {
  if (isSeriesMessage(m)) return grid.take(m);
  switch (m.type) {
    case 'runs': {
      const first = content.hidden;
      runs = m.runs;
      missing = m.missing;
      state.runIds = m.runs.map((r) => r.id);
      assignSlots(state.runIds);
      save();
      if (first) {
        loading.remove();
        content.hidden = false;
      }
      render();
      break;
    }
  }
});

post({ type: 'ready' });
