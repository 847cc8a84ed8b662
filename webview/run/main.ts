// The Run panel webview: header, tabs (overview, metrics, images, artifacts, datasets,
// output, code), live while the run is running.
import type { ArtifactAction, RunFromWebview, RunPanelState, RunTab, RunToWebview } from '../../src/protocol/runPanel';
import type { RunView } from '../../src/protocol/runView';
import { isSeriesMessage, panelCharts } from '../shared/chartGrid';
import { el, replaceChildren } from '../shared/dom';
import { onThemeChange, readTheme, runColor } from '../shared/theme';
import '../shared/elements';
import { connect } from '../shared/vscodeApi';
import { renderArtifacts, renderDatasets } from './artifacts';
import { renderCode } from './code';
import { RunHeader } from './header';
import { renderImages } from './images';
import { OutputView } from './output';
import { renderOverview } from './overview';
import { PanelTabs } from '../shared/panelTabs';
import { SummaryStrip, singleValueKeys } from '../shared/summaryStrip';

const channel = connect<RunToWebview, RunFromWebview, RunPanelState>();
const state: RunPanelState = { runId: '', ...channel.state() };
const save = () => channel.setState(state);
const post = (m: RunFromWebview) => channel.post(m);

const TABS: { id: RunTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'images', label: 'Images' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'output', label: 'Output' },
  { id: 'code', label: 'Code' },
];

const header = new RunHeader({
  editTags: (add, remove) => post({ type: 'editTags', add, remove }),
  editNote: (text) => post({ type: 'editNote', text }),
  copy: (text) => post({ type: 'copy', text }),
});
const tabs = new PanelTabs<RunTab>(TABS, state.tab ?? 'overview', (id) => {
  state.tab = id;
  save();
}, 'Run details');

const sections = {
  overview: el('div', { class: 'tab-body' }),
  metricsEmpty: el('p', { class: 'empty', text: 'No metrics logged yet.' }),
  images: el('div', { class: 'tab-body' }),
  artifacts: el('div', { class: 'tab-body' }),
  datasets: el('div', { class: 'tab-body' }),
  code: el('div', { class: 'tab-body' }),
};
const output = new OutputView(state.outputQuery ?? '', (q) => {
  state.outputQuery = q;
  save();
});

let theme = readTheme();
let run: RunView | undefined;
const { grid, toolbar } = panelCharts(post, state, save, theme);
const summary = new SummaryStrip();
tabs.view('metrics').append(el('div', { class: 'tab-body' }, toolbar, sections.metricsEmpty, summary.element, grid.element));
tabs.view('overview').append(sections.overview);
tabs.view('images').append(sections.images);
tabs.view('artifacts').append(sections.artifacts);
tabs.view('datasets').append(sections.datasets);
tabs.view('output').append(el('div', { class: 'tab-body' }, output.element));
tabs.view('code').append(sections.code);

const loading = el('div', { class: 'loading' }, el('vscode-progress-ring'), el('span', { text: 'Loading run…' }));
document.body.append(el('main', { class: 'run-panel' }, header.element, loading));

onThemeChange(() => {
  theme = readTheme();
  grid.setTheme(theme);
  if (run) grid.setRuns(gridRuns(run));
});

function gridRuns(r: RunView): { id: string; label: string; color: string; start: number }[] {
  return [{ id: r.id, label: r.name, color: runColor(theme, 0), start: r.started ?? 0 }];
}

const artifactActions = {
  artifact: (action: ArtifactAction, hash: string, file?: string) => post({ type: 'artifact', action, hash, file }),
  openRun: (runId: string) => post({ type: 'openRun', runId }),
};

let rendered: Record<string, string> = {};
/** Renders a section again only when the data it shows changed. */
function section(name: string, data: unknown, render: () => void): void {
  const key = JSON.stringify(data);
  if (rendered[name] === key) return;
  rendered[name] = key;
  render();
}

function showRun(r: RunView): void {
  const first = !run;
  if (run && run.id !== r.id) rendered = {};
  run = r;
  if (state.runId !== r.id) {
    state.runId = r.id;
    save();
  }
  document.title = r.name;
  header.update(r);
  if (first) {
    loading.replaceWith(tabs.element);
    tabs.select(state.tab ?? (r.metrics.length ? 'metrics' : 'overview'), true);
  }
  const counts: Partial<Record<string, number>> = {
    metrics: r.metrics.length,
    images: new Set(r.images.map((i) => i.key)).size,
    artifacts: r.artifacts.length,
    datasets: r.datasets.length,
    code: r.code.length,
  };
  for (const t of TABS) {
    const n = counts[t.id];
    tabs.setLabel(t.id, n === undefined ? t.label : `${t.label} (${n})`);
  }
  // The charts first: their series are asked for while the rest is rendered.
  sections.metricsEmpty.hidden = r.metrics.length > 0;
  grid.setRuns(gridRuns(r));
  const singles = singleValueKeys([r]);
  summary.render([...singles].sort(), [{ id: r.id, label: r.name, color: runColor(theme, 0), metrics: r.metrics }]);
  grid.setKeys(r.metrics.map((m) => m.key).filter((k) => !singles.has(k)));
  section('overview', { ...r, tags: 0, note: 0 }, () => renderOverview(sections.overview, r));
  section('images', r.images, () =>
    renderImages(sections.images, r.images, state.imageSteps ?? {}, (key, step) => {
      state.imageSteps = { ...state.imageSteps, [key]: step };
      save();
    }),
  );
  section('artifacts', r.artifacts, () => renderArtifacts(sections.artifacts, r.artifacts, artifactActions));
  section('datasets', r.datasets, () => renderDatasets(sections.datasets, r.datasets, artifactActions));
  section('code', [r.code, r.script], () => renderCode(sections.code, r.code, r.script, (action, path) => post({ type: 'code', action, path })));
}

channel.onMessage((m) => {
  if (isSeriesMessage(m)) return grid.take(m);
  switch (m.type) {
    case 'run':
      showRun(m.run);
      break;
    case 'output':
      output.update(m.text, m.reset, m.truncated, m.exists);
      break;
    case 'missing':
      replaceChildren(document.body, el('main', { class: 'run-panel' }, el('p', { class: 'empty', text: `Run ${m.runId} is not in the index (its folder may have been removed).` })));
      break;
  }
});

post({ type: 'ready' });
