// The metric-over-runs chart: one point per shown run, a chosen metric summary against the
// run's start time or a chosen numeric param (a model degrading across monthly
// re-evaluations; a param's effect). Selected runs are drawn larger in a second color.
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type ChartDataset } from 'chart.js';
import type { TableData } from '../../src/protocol/tableData';
import { el, replaceChildren } from '../shared/dom';
import { formatDate, formatMetric, formatX } from '../shared/format';
import { type ChartTheme, tooltipColors } from '../shared/theme';
import { valueOf } from '../shared/elements';
import type { Column } from './columns';

interface RunPoint {
  x: number;
  y: number;
  row: number;
}

export interface RunsChartChoice {
  metric?: string;
  x?: string;
}

let registered = false;

export class RunsChart {
  readonly element: HTMLElement;
  private readonly controls = el('div', { class: 'runs-chart-controls' });
  private readonly canvasBox = el('div', { class: 'runs-chart-canvas' });
  private readonly canvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Metric over runs' } });
  private readonly empty = el('p', { class: 'empty' });
  private chart: Chart<'scatter', RunPoint[]> | undefined;
  private data: TableData | undefined;
  private rows: number[] = [];
  private selected = new Set<string>();
  private metricCols: Column[] = [];
  private xCols: Column[] = [];
  /** The options the selects were built with. */
  private controlOptions: string | undefined;

  constructor(
    private choice: RunsChartChoice,
    private theme: ChartTheme,
    private readonly events: { choose(c: RunsChartChoice): void; pick(row: number): void },
  ) {
    this.canvasBox.append(this.canvas);
    this.element = el('section', { class: 'runs-chart', attrs: { 'aria-label': 'Metric over runs' } }, this.controls, this.empty, this.canvasBox);
  }

  setColumns(columns: Column[]): void {
    this.metricCols = columns.filter((c) => c.group === 'metric');
    this.xCols = columns.filter((c) => c.id === 'started' || (c.group === 'param' && c.numeric));
    if (!this.choice.metric || !this.metricCols.some((c) => c.id === this.choice.metric)) this.choice = { ...this.choice, metric: this.metricCols[0]?.id };
    if (!this.choice.x || !this.xCols.some((c) => c.id === this.choice.x)) this.choice = { ...this.choice, x: 'started' };
    this.renderControls();
  }

  /**
   * The two selects, built while the chart shows and only when their options change: a select
   * measures itself as it renders, which lays out the whole page (the table included).
   */
  private renderControls(): void {
    if (this.element.hidden) return;
    const options = JSON.stringify([this.metricCols, this.xCols].map((cols) => cols.map((c) => [c.id, c.label])));
    if (options === this.controlOptions) return;
    this.controlOptions = options;
    const select = (label: string, cols: Column[], current: string | undefined, set: (id: string) => void) => {
      const dd = el(
        'vscode-single-select',
        { attrs: { 'aria-label': label }, on: { change: () => set(valueOf(dd)) } },
        ...cols.map((c) => el('vscode-option', { attrs: { value: c.id, selected: c.id === current }, text: c.id === 'started' ? 'Start time' : c.label })),
      );
      return el('label', { class: 'toolbar-item' }, el('span', { class: 'toolbar-label', text: label }), dd);
    };
    replaceChildren(
      this.controls,
      select('Metric', this.metricCols, this.choice.metric, (id) => this.choose({ metric: id })),
      select('Against', this.xCols, this.choice.x, (id) => this.choose({ x: id })),
    );
  }

  setTheme(t: ChartTheme): void {
    this.theme = t;
    this.chart?.destroy();
    this.chart = undefined;
    this.draw();
  }

  update(data: TableData, rows: number[], selected: Set<string>): void {
    this.renderControls();
    this.data = data;
    this.rows = rows;
    this.selected = selected;
    this.draw();
  }

  private choose(c: RunsChartChoice): void {
    this.choice = { ...this.choice, ...c };
    this.events.choose(this.choice);
    this.draw();
  }

  private draw(): void {
    if (this.element.hidden || !this.data) return;
    const yCol = this.metricCols.find((c) => c.id === this.choice.metric);
    const xCol = this.xCols.find((c) => c.id === this.choice.x);
    if (!yCol || !xCol) {
      this.empty.textContent = 'No metrics to chart yet.';
      this.empty.hidden = false;
      this.canvasBox.hidden = true;
      return;
    }
    const plain: RunPoint[] = [];
    const picked: RunPoint[] = [];
    for (const row of this.rows) {
      const x = xCol.num!(row);
      const y = yCol.num!(row);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      (this.selected.has(this.data.ids[row]) ? picked : plain).push({ x, y, row });
    }
    const sort = (a: RunPoint, b: RunPoint) => a.x - b.x;
    plain.sort(sort);
    picked.sort(sort);
    this.empty.hidden = plain.length + picked.length > 0;
    this.empty.textContent = `No shown run has both ${yCol.label} and ${xCol.id === 'started' ? 'a start time' : xCol.label}.`;
    this.canvasBox.hidden = !this.empty.hidden;
    const t = this.theme;
    const datasets: ChartDataset<'scatter', RunPoint[]>[] = [
      { label: 'runs', data: plain, backgroundColor: t.base[0], borderColor: t.base[0], pointRadius: 3, pointHoverRadius: 5 },
      { label: 'selected', data: picked, backgroundColor: t.base[5], borderColor: t.foreground, borderWidth: 1, pointRadius: 5, pointHoverRadius: 7 },
    ];
    const isTime = xCol.id === 'started';
    if (!this.chart) {
      if (!registered) {
        Chart.register(ScatterController, PointElement, LinearScale, Tooltip);
        registered = true;
      }
      const grid = { color: t.grid };
      const ticks = { color: t.muted, font: { family: t.fontFamily } };
      this.chart = new Chart<'scatter', RunPoint[]>(this.canvas, {
        type: 'scatter',
        data: { datasets },
        options: {
          parsing: false,
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'nearest', intersect: true },
          plugins: {
            legend: { display: false },
            tooltip: {
              ...tooltipColors(t),
              callbacks: {
                title: (items) => (items[0] && this.data ? this.data.names[(items[0].raw as RunPoint).row] : ''),
                label: (item) => {
                  const p = item.raw as RunPoint;
                  const x = this.xCols.find((c) => c.id === this.choice.x);
                  return `${formatMetric(p.y)} at ${x?.id === 'started' ? formatDate(p.x) : `${x?.label} = ${formatMetric(p.x)}`}`;
                },
              },
            },
          },
          onClick: (_e, items) => {
            const hit = items[0];
            if (hit) this.events.pick((this.chart!.data.datasets[hit.datasetIndex].data[hit.index] as RunPoint).row);
          },
          scales: {
            x: { type: 'linear', grid, ticks: { ...ticks, maxTicksLimit: 7, maxRotation: 0 } },
            y: { type: 'linear', grid, ticks: { ...ticks, callback: (v) => formatMetric(Number(v)) } },
          },
        },
      });
    } else this.chart.data.datasets = datasets;
    const x = this.chart.options.scales!.x as { ticks: { callback?: (this: { min: number; max: number }, v: number | string) => string } };
    // Start times read as dates, times or both, as the span of the shown runs needs.
    x.ticks.callback = isTime ? function (v) { return formatX(Number(v), 'wall', this.max - this.min); } : (v) => formatMetric(Number(v));
    this.chart.update('none');
    this.element.dataset.points = String(plain.length + picked.length);
  }

  /** The chart.js instance (tests look at it). */
  get instance(): Chart<'scatter', RunPoint[]> | undefined {
    return this.chart;
  }
}
