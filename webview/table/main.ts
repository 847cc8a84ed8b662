// The Runs Table webview: every run a row (virtualized), sortable by several columns,
// filterable, with a column chooser, Compare for selected runs, and the metric-over-runs chart.
import type { SortKey, TableFromWebview, TablePanelState, TableRequests, TableToWebview } from '../../src/protocol/tablePanel';
import type { TableData } from '../../src/protocol/tableData';
import { el } from '../shared/dom';
import { RequestFailed, Requests } from '../shared/requests';
import { onThemeChange, readTheme } from '../shared/theme';
import { connect } from '../shared/vscodeApi';
import { ColumnChooser } from './columnChooser';
import { FilterBox } from './filterBox';
import { type Column, buildColumns } from './columns';
import { SortRanks, filterRows, sortRows } from './rowOrder';
import { RunsChart } from './runsChart';
import { mergeTable } from './tableMerge';
import { VirtualTable } from './virtualTable';

const channel = connect<TableToWebview, TableFromWebview, TablePanelState>();
const state: TablePanelState = { sort: [{ column: 'started', desc: true }], filter: '', ...channel.state() };
const save = () => channel.setState(state);
const post = (m: TableFromWebview) => channel.post(m);
const requests = new Requests<TableRequests>(post);

let data: TableData | undefined;
let columns: Column[] = [];
let byId = new Map<string, Column>();
let ranks = new SortRanks(0);
let order: number[] = [];
let shown = new Set<string>(state.columns ?? []);
/** False while only the newest page of runs is here. */
let complete = true;

const table = new VirtualTable({
  sort: (column, additive) => {
    const sort = [...(state.sort ?? [])];
    const at = sort.findIndex((s) => s.column === column);
    if (additive) {
      if (at >= 0) sort[at] = { column, desc: !sort[at].desc };
      else sort.push({ column, desc: false });
      setSort(sort);
    } else {
      setSort(at >= 0 && sort.length === 1 ? [{ column, desc: !sort[0].desc }] : [{ column, desc: false }]);
    }
  },
  open: (row) => data && post({ type: 'openRun', runId: data.ids[row] }),
  selectionChanged: () => {
    state.selected = [...table.selected];
    save();
    updateSelection();
  },
});

let filterTimer: ReturnType<typeof setTimeout> | undefined;
const filter = new FilterBox(state.filter ?? '', (text) => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.filter = text;
    save();
    requestFilter();
  }, 120);
});
/** Ids the filter query selects, as the host's index answered; undefined: no filter. */
let matches: Set<string> | undefined;
let filterRequest = 0;

/** The host evaluates the query; until it answers, the rows shown stay as they are. */
function requestFilter(): void {
  const query = (state.filter ?? '').trim();
  const asked = ++filterRequest;
  if (!query) {
    matches = undefined;
    filter.clearError();
    refresh();
    return;
  }
  // Only the answer to the latest query counts.
  requests.ask('filter', { query }).then(
    (ids) => {
      if (asked !== filterRequest) return;
      matches = new Set(ids);
      filter.clearError();
      refresh();
    },
    (err: unknown) => {
      if (asked === filterRequest && err instanceof RequestFailed) filter.showError(err.error.message, 'column' in err.error ? err.error.column : 1);
    },
  );
}
const count = el('span', { class: 'table-count muted', attrs: { 'aria-live': 'polite' } });
const compare = el('vscode-button', {
  attrs: { disabled: true },
  text: 'Compare',
  on: { click: () => table.selected.size >= 2 && post({ type: 'compare', runIds: orderedSelection() }) },
});
const open = el('vscode-button', {
  attrs: { secondary: true, disabled: true },
  text: 'Open',
  on: { click: () => orderedSelection().slice(0, 5).forEach((runId) => post({ type: 'openRun', runId })) },
});
const chooser = new ColumnChooser((s) => {
  shown = s;
  state.columns = [...s];
  save();
  applyColumns();
});
const columnsButton = el('vscode-button', { attrs: { secondary: true, 'aria-haspopup': 'dialog' }, text: 'Columns…', on: { click: () => chooser.toggle() } });
const chartButton = el('vscode-button', { attrs: { secondary: true, 'aria-pressed': String(!!state.chart?.open) }, text: 'Chart', on: { click: () => toggleChart() } });

const runsChart = new RunsChart(state.chart ?? {}, readTheme(), {
  choose: (c) => {
    state.chart = { open: true, ...state.chart, ...c };
    save();
  },
  pick: (row) => {
    if (!data) return;
    table.selectOnly([data.ids[row]]);
    table.scrollToPosition(table.positionOf(data.ids[row]));
  },
});
runsChart.element.hidden = !state.chart?.open;

const loading = el('div', { class: 'loading' }, el('vscode-progress-ring'), el('span', { text: 'Loading runs…' }));
const toolbar = el('div', { class: 'table-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Runs table' } }, filter.element, count, el('span', { class: 'spacer' }), open, compare, chartButton, columnsButton);
document.body.append(el('main', { class: 'table-panel' }, toolbar, chooser.element, runsChart.element, loading));

function orderedSelection(): string[] {
  if (!data) return [];
  return order.map((r) => data!.ids[r]).filter((id) => table.selected.has(id));
}

function toggleChart(): void {
  const openNow = runsChart.element.hidden;
  runsChart.element.hidden = !openNow;
  chartButton.setAttribute('aria-pressed', String(openNow));
  state.chart = { ...state.chart, open: openNow };
  save();
  if (openNow && data) runsChart.update(data, order, table.selected);
}

function setSort(sort: SortKey[]): void {
  state.sort = sort;
  save();
  table.setSort(sort);
  if (!data) return;
  sortRows(order, sort, byId, ranks);
  table.setRows(order, data.ids);
}

function applyColumns(): void {
  if (!state.columns) shown = new Set(columns.filter((c) => c.byDefault).map((c) => c.id));
  shown.add('name');
  table.setColumns(columns.filter((c) => shown.has(c.id)));
  chooser.set(columns, shown);
}

function updateSelection(): void {
  const n = table.selected.size;
  compare.toggleAttribute('disabled', n < 2);
  open.toggleAttribute('disabled', n < 1);
  compare.textContent = n >= 2 ? `Compare (${n})` : 'Compare';
  if (!runsChart.element.hidden && data) runsChart.update(data, order, table.selected);
}

/** Filter, sort and show the rows (after new data, or a new filter). */
function refresh(): void {
  if (!data) return;
  order = filterRows(data, matches);
  sortRows(order, state.sort ?? [], byId, ranks);
  table.setRows(order, data.ids);
  count.textContent = `${order.length.toLocaleString('en-US')} of ${data.ids.length.toLocaleString('en-US')}${complete ? '' : '+'} runs${complete ? '' : ' (loading the rest…)'}`;
  // Runs that left the data leave the selection.
  const present = new Set(data.ids);
  for (const id of [...table.selected]) if (!present.has(id)) table.selected.delete(id);
  updateSelection();
}

function setData(d: TableData): void {
  const first = !data;
  data = d;
  columns = buildColumns(d);
  byId = new Map(columns.map((c) => [c.id, c]));
  ranks = new SortRanks(d.ids.length);
  if (first) {
    loading.replaceWith(table.element);
    for (const id of state.selected ?? []) table.selected.add(id);
  }
  // The new columns and rows are drawn together, once: the old rows under the new data's columns
  // would name runs it does not have.
  table.update(() => {
    applyColumns();
    table.setSort(state.sort ?? []);
    runsChart.setColumns(columns);
    filter.setData(d);
    refresh();
  });
  // Runs added or changed may now match the query, or no longer.
  if (state.filter?.trim()) requestFilter();
}

onThemeChange(() => runsChart.setTheme(readTheme()));

channel.onMessage((m) => {
  switch (m.type) {
    case 'rows':
      complete = m.complete;
      setData(m.data);
      break;
    case 'rowsChanged':
      if (data) setData(mergeTable(data, m.data, m.removed));
      break;
    case 'reply':
      requests.settle(m);
      break;
  }
});

post({ type: 'ready' });
