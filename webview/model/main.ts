// The Model panel: one model version, its evaluations over time with degradations marked
// and listed, the drift of each evaluation's data against the training data, and the
// verdicts of `trackside gate` on it.
import './model.css';
import type { GateView, ModelFromWebview, ModelPanelState, ModelReportView, ModelToWebview, VersionChoice } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { onThemeChange, readTheme } from '../shared/theme';
import { connect } from '../shared/vscodeApi';
import { renderDegradations } from './degradations';
import { renderDrift } from './drift';
import { renderEvaluations } from './evaluationsTable';
import { renderGateHistory } from './gateHistory';
import { renderHeader } from './header';
import { MetricCharts, chartColors } from './metricCharts';

const channel = connect<ModelToWebview, ModelFromWebview, ModelPanelState>();
const state: ModelPanelState = { name: '', version: 0, ...channel.state() };
const post = (m: ModelFromWebview) => channel.post(m);
const openRun = (runId: string) => post({ type: 'openRun', runId });

const header = el('header', { class: 'run-header model-header' });
const degradations = el('section', { class: 'section degradations', attrs: { 'aria-live': 'polite' } });
const charts = new MetricCharts();
const chartsSection = el('section', { class: 'section' }, el('h2', { text: 'Metrics across evaluations' }), charts.element);
const evaluations = el('section', { class: 'section' });
const drift = el('section', { class: 'section drift' });
const gateSection = el('section', { class: 'section gate-history' });
const loading = el('div', { class: 'loading', text: 'Loading model…' });
const main = el('main', { class: 'model-panel' }, loading);
document.body.append(main);

let current: { report: ModelReportView; versions: VersionChoice[]; gates: GateView[] } | undefined;
const openDrift = new Set(state.openDrift ?? []);

function render(): void {
  if (!current) return;
  const { report: r, versions, gates } = current;
  if (state.name !== r.name || state.version !== r.version) {
    state.name = r.name;
    state.version = r.version;
    channel.setState(state);
  }
  document.title = `${r.name} v${r.version}`;
  if (loading.isConnected) replaceChildren(main, header, degradations, gateSection, chartsSection, evaluations, drift);
  renderHeader(header, r, versions, {
    openRun,
    openVersion: (version) => post({ type: 'openVersion', version }),
    setAlias: () => post({ type: 'setAlias' }),
  });
  renderDegradations(degradations, r, openRun);
  renderGateHistory(gateSection, gates, r.version, {
    openReport: (line) => post({ type: 'openGateReport', line }),
    openUrl: (url) => post({ type: 'openUrl', url }),
  });
  chartsSection.hidden = r.evaluations.length === 0 || r.metrics.length === 0;
  charts.render(r, chartColors(readTheme()));
  renderEvaluations(evaluations, r, openRun);
  renderDrift(drift, r, openDrift, (runId, isOpen) => {
    if (isOpen) openDrift.add(runId);
    else openDrift.delete(runId);
    state.openDrift = [...openDrift];
    channel.setState(state);
  });
}

channel.onMessage((m) => {
  switch (m.type) {
    case 'report':
      current = { report: m.report, versions: m.versions, gates: m.gates };
      render();
      return;
    case 'missing':
      current = undefined;
      replaceChildren(main, el('p', { class: 'empty', text: `${m.name} v${m.version} is not in the model registry (any more).` }));
      return;
  }
});

onThemeChange(() => current && charts.render(current.report, chartColors(readTheme())));
post({ type: 'ready' });
