// One metric chart: chart.js with parsing off, no animation and min/max decimation, one or
// more lines (one per run), optional smoothed overlay, log scale, hover values and
// drag-to-zoom. Data comes as buckets (SeriesBuffer) and is turned into points here.
import {
  Chart,
  Decimation,
  Interaction,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type InteractionItem,
  type InteractionModeFunction,
  type TooltipItem,
} from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
import type { ChartControls } from '../../src/protocol/runPanel';
import { type XY, hasAxis, rawPoints, smoothedPoints } from './chartPoints';
import { el } from './dom';
import { X_AXIS_LABELS, formatMetric, formatX } from './format';
import type { SeriesBuffer } from './seriesBuffer';
import { type ChartTheme, tooltipColors, withAlpha } from './theme';

declare module 'chart.js' {
  interface InteractionModeMap {
    nearestPerLine: InteractionModeFunction;
  }
}

/** A point as drawn; decimation keeps the objects, so `b` survives it. */
type Pt = XY;

interface LineMeta {
  line: ChartLine;
  kind: 'raw' | 'smooth';
}

type LineDataset = ChartDataset<'line', Pt[]> & { lineMeta: LineMeta };

export interface ChartLine {
  /** Run id. */
  id: string;
  label: string;
  color: string;
  /** Unix ms the run started (relative time axis). */
  start: number;
  data: SeriesBuffer;
  hidden?: boolean;
}

export interface MetricChartOptions {
  title: string;
  /** Dragged across [lo, hi] on the current x axis; undefined: reset. */
  onZoom: (range: { lo: number; hi: number } | undefined) => void;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Decimation);
  // For every visible line, its point nearest to the pointer in x: lines of different runs
  // have different x values, so chart.js's 'index' mode cannot pair them.
  Interaction.modes.nearestPerLine = (chart, e) => {
    const pos = getRelativePosition(e as unknown as MouseEvent, chart);
    const area = chart.chartArea;
    const items: InteractionItem[] = [];
    if (!area || pos.x < area.left || pos.x > area.right || pos.y < area.top || pos.y > area.bottom) return items;
    chart.data.datasets.forEach((ds, datasetIndex) => {
      const meta = (ds as LineDataset).lineMeta;
      if (!chart.isDatasetVisible(datasetIndex) || !meta || (meta.kind === 'raw' && hoverSmoothed(chart, meta.line))) return;
      const elements = chart.getDatasetMeta(datasetIndex).data;
      if (elements.length === 0) return;
      let lo = 0;
      let hi = elements.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (elements[mid].x < pos.x) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && Math.abs(elements[lo - 1].x - pos.x) <= Math.abs(elements[lo].x - pos.x)) lo--;
      const element = elements[lo] as PointElement;
      if (element.skip || Math.abs(element.x - pos.x) > 40) return;
      items.push({ element, datasetIndex, index: lo });
    });
    return items;
  };
}

function hoverSmoothed(chart: Chart, line: ChartLine): boolean {
  return chart.data.datasets.some((d) => {
    const m = (d as LineDataset).lineMeta;
    return m?.line === line && m.kind === 'smooth' && d.data.length > 0;
  });
}

/** Charts waiting for a redraw; live updates redraw at most this often. */
const LIVE_REDRAW_MS = 250;

export class MetricChart {
  readonly element: HTMLElement;
  private readonly canvasBox: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly zoomBox: HTMLElement;
  private readonly resetButton: HTMLElement;
  private readonly note: HTMLElement;
  private chart: Chart<'line', Pt[]> | undefined;
  private lines: ChartLine[] = [];
  private controls: ChartControls;
  private theme: ChartTheme;
  private zoomed: { lo: number; hi: number } | undefined;
  private isZoomedFlag = false;
  private drag: { x0: number; x1: number } | undefined;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDraw = 0;
  private visible = false;
  private visibleKnown = false;
  private dirty = true;
  /** Set by the grid: called when this chart has work for an idle moment. */
  onIdleWork: (() => void) | undefined;

  constructor(
    readonly key: string,
    controls: ChartControls,
    theme: ChartTheme,
    private readonly opts: MetricChartOptions,
  ) {
    this.controls = controls;
    this.theme = theme;
    this.canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `Chart of ${opts.title}` } });
    this.zoomBox = el('div', { class: 'zoom-box', attrs: { hidden: true } });
    this.canvasBox = el('div', { class: 'chart-canvas' }, this.canvas, this.zoomBox);
    this.resetButton = el('vscode-toolbar-button', {
      class: 'chart-reset',
      attrs: { label: 'Reset zoom', title: 'Reset zoom (double-click the chart)', hidden: true },
      text: '⤢',
      on: { click: () => this.resetZoom() },
    });
    this.note = el('span', { class: 'chart-note' });
    this.element = el(
      'section',
      // The context menu's "Show This Metric in the Explorer" in a Run panel reads the key here.
      { class: 'chart-card', dataset: { key }, attrs: { 'aria-label': opts.title, 'data-vscode-context': JSON.stringify({ webviewSection: 'metric', metricKey: key }) } },
      el('header', { class: 'chart-title' }, el('span', { class: 'chart-name', text: opts.title, title: opts.title }), this.note, this.resetButton),
      this.canvasBox,
    );
    this.attachZoom();
  }

  private errorBox: HTMLElement | undefined;

  /** Why this chart's data could not be read, shown in place of the chart; undefined clears it. */
  showError(message: string | undefined): void {
    if (message === undefined) {
      if (!this.errorBox) return;
      this.errorBox.remove();
      this.errorBox = undefined;
      this.canvasBox.hidden = false;
      return;
    }
    this.errorBox ??= el('p', { class: 'chart-error', attrs: { role: 'alert' } });
    this.errorBox.textContent = `This chart's data could not be read: ${message}`;
    this.canvasBox.hidden = true;
    this.element.append(this.errorBox);
  }

  /** Creates the chart.js instance the first time the card scrolls into view. */
  setVisible(visible: boolean): void {
    this.visibleKnown = true;
    this.visible = visible;
    if (visible && this.dirty) this.draw();
  }

  /**
   * Until the grid's IntersectionObserver first reports (it waits for a quiet moment, and
   * series arrive in a burst), whether the card is on screen is measured here, so the first
   * charts draw as soon as their data arrives.
   */
  private checkVisible(): void {
    if (this.visibleKnown) return;
    const r = this.element.getBoundingClientRect();
    this.visible = r.width > 0 && r.bottom > -400 && r.top < window.innerHeight + 400;
  }

  /** New lines; the caller invalidates (live or not). */
  setLines(lines: ChartLine[]): void {
    this.lines = lines;
    this.dirty = true;
  }

  setControls(controls: ChartControls): void {
    const axisChanged = controls.xAxis !== this.controls.xAxis;
    this.controls = controls;
    if (axisChanged) this.clearZoomBox();
    this.dirty = true; // the grid redraws once with the lines for the new controls
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.chart?.destroy();
    this.chart = undefined;
    this.invalidate(false);
  }

  /**
   * Shows [lo, hi] on the current axis right away (refined data follows). Zoomed without a
   * range: the axis fits the (zoomed) data, as on time and epoch axes.
   */
  showRange(range: { lo: number; hi: number } | undefined, zoomed = range !== undefined): void {
    this.zoomed = range;
    this.isZoomedFlag = zoomed;
    this.resetButton.toggleAttribute('hidden', !zoomed);
    this.invalidate(false);
  }

  /** Out of view but laid out and stale: the grid paints these when the page is idle. */
  get needsIdlePaint(): boolean {
    return this.dirty && !this.waiting && !this.visible && this.canvasBox.clientWidth > 0;
  }

  /**
   * No series given yet: a chart.js instance made now would only be drawn again with the data,
   * and ten of them (~150 ms) stood in the way of the first answers.
   */
  private get waiting(): boolean {
    return !this.chart && this.lines.length === 0;
  }

  paintNow(): void {
    if (this.dirty) this.draw();
  }

  /** Something changed; `live` redraws are rate-limited. */
  invalidate(live: boolean): void {
    this.dirty = true;
    this.checkVisible();
    if (!this.visible) {
      this.onIdleWork?.();
      return;
    }
    if (!live) {
      this.draw();
      return;
    }
    if (this.redrawTimer) return;
    const wait = Math.max(0, this.lastDraw + LIVE_REDRAW_MS - performance.now());
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.draw();
    }, wait);
  }

  get isZoomed(): boolean {
    return this.isZoomedFlag;
  }

  private resetZoom(): void {
    this.showRange(undefined);
    this.opts.onZoom(undefined);
  }

  private draw(): void {
    if (this.waiting) return;
    if (this.redrawTimer) {
      clearTimeout(this.redrawTimer);
      this.redrawTimer = undefined;
    }
    this.dirty = false;
    this.lastDraw = performance.now();
    const c = this.controls;
    const datasets: LineDataset[] = [];
    let points = 0;
    let missingAxis = 0;
    for (const line of this.lines) {
      const o = { xAxis: c.xAxis, start: line.start, smoothing: c.smoothing, logScale: c.logScale };
      if (!hasAxis(line.data, o)) {
        if (line.data.length) missingAxis++;
        continue;
      }
      const raw = rawPoints(line.data, o);
      const smooth = c.smoothing > 0 ? smoothedPoints(line.data, o) : [];
      points += raw.length;
      const faint = c.smoothing > 0;
      datasets.push(this.dataset(line, 'raw', raw, faint ? withAlpha(line.color, this.theme.kind.startsWith('high') ? 0.45 : 0.3) : line.color, faint ? 1 : 1.5, faint ? 0 : dotRadius(raw.length)));
      // No smoothing, no smoothed line: chart.js resolves every dataset's options (half the
      // cost of a first draw with many runs).
      if (c.smoothing > 0) datasets.push(this.dataset(line, 'smooth', smooth, line.color, 1.75, dotRadius(smooth.length)));
    }
    this.note.textContent = missingAxis ? `no ${X_AXIS_LABELS[c.xAxis].toLowerCase()} logged` : nanNote(this.lines);
    if (!this.chart) this.create(datasets);
    else {
      this.chart.data.datasets = datasets;
      this.applyScales();
      this.chart.update('none');
    }
    this.element.dataset.points = String(points);
    // Counts draws that showed data (tests and the benchmark wait on it).
    if (points > 0) this.element.dataset.painted = String(Number(this.element.dataset.painted ?? 0) + 1);
  }

  private dataset(line: ChartLine, kind: 'raw' | 'smooth', data: Pt[], color: string, width: number, radius: number): LineDataset {
    return {
      type: 'line',
      label: line.label,
      data,
      lineMeta: { line, kind },
      hidden: line.hidden,
      borderColor: color,
      backgroundColor: color,
      borderWidth: width,
      pointRadius: radius,
      pointHoverRadius: kind === 'raw' && this.controls.smoothing > 0 ? 0 : Math.max(3, radius + 1.5),
      pointHitRadius: 0,
      spanGaps: false,
      normalized: true,
      indexAxis: 'x',
    };
  }

  private create(datasets: LineDataset[]): void {
    register();
    const t = this.theme;
    this.chart = new Chart<'line', Pt[]>(this.canvas, {
      type: 'line',
      data: { datasets },
      options: {
        parsing: false,
        normalized: true,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        events: ['mousemove', 'mouseout', 'click'],
        interaction: { mode: 'nearestPerLine', intersect: false },
        font: { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) },
        color: t.muted,
        layout: { padding: { right: 8 } },
        plugins: {
          legend: { display: false },
          decimation: { enabled: true, algorithm: 'min-max' },
          tooltip: {
            enabled: true,
            animation: false,
            ...tooltipColors(t),
            cornerRadius: 2,
            boxPadding: 4,
            titleFont: { family: t.fontFamily, weight: 'bold' },
            bodyFont: { family: t.fontFamily },
            itemSort: (a, b) => (b.parsed.y ?? 0) - (a.parsed.y ?? 0),
            callbacks: {
              title: (items) => (items.length ? `${X_AXIS_LABELS[this.controls.xAxis]} ${formatX(items[0].parsed.x ?? NaN, this.controls.xAxis, this.span())}` : ''),
              label: (item) => this.hoverLabel(item as TooltipItem<'line'>),
            },
          },
        },
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      },
    });
    this.applyScales();
    this.chart.update('none');
    // Tests and the benchmark read the drawn data from the card.
    (this.element as HTMLElement & { tracksideChart?: unknown }).tracksideChart = this.chart;
  }

  private hoverLabel(item: TooltipItem<'line'>): string {
    const ds = item.dataset as unknown as LineDataset;
    const meta = ds.lineMeta;
    const p = item.raw as Pt;
    const s = meta.line.data;
    const b = p.b;
    const many = this.lines.length > 1 ? `${meta.line.label}: ` : '';
    const raw = s.col('last')[b];
    if (meta.kind === 'smooth') return `${many}${formatMetric(p.y)} smoothed (logged ${formatMetric(raw)})`;
    const count = s.col('counts')[b];
    if (count > 1) return `${many}${formatMetric(s.col('min')[b])} … ${formatMetric(s.col('max')[b])} (${count} points)`;
    return `${many}${formatMetric(raw)}`;
  }

  private span(): number {
    const x = this.chart?.scales.x;
    return x ? x.max - x.min : 0;
  }

  private applyScales(): void {
    const chart = this.chart;
    if (!chart) return;
    const t = this.theme;
    const axis = this.controls.xAxis;
    const grid = { color: withAlpha(t.grid, t.kind.startsWith('high') ? 0.6 : 0.5), drawTicks: false };
    const ticks = { color: t.muted, padding: 6, font: { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) } };
    chart.options.scales = {
      x: {
        type: 'linear',
        min: this.zoomed?.lo,
        max: this.zoomed?.hi,
        grid,
        border: { color: t.border },
        ticks: { ...ticks, maxTicksLimit: 7, maxRotation: 0, callback: (v) => formatX(Number(v), axis, this.span()) },
      },
      y: {
        type: this.controls.logScale ? 'logarithmic' : 'linear',
        grid,
        border: { color: t.border },
        ticks: { ...ticks, maxTicksLimit: 6, callback: (v) => formatMetric(Number(v)) },
      },
    };
  }

  // Drag across the plot to zoom into that x range; double-click or ⤢ to reset.
  private attachZoom(): void {
    const px = (e: PointerEvent) => e.clientX - this.canvasBox.getBoundingClientRect().left;
    this.canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || !this.chart) return;
      const area = this.chart.chartArea;
      const x = px(e);
      if (x < area.left || x > area.right) return;
      this.drag = { x0: x, x1: x };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this.drag || !this.chart) return;
      const area = this.chart.chartArea;
      this.drag.x1 = Math.min(area.right, Math.max(area.left, px(e)));
      const left = Math.min(this.drag.x0, this.drag.x1);
      this.zoomBox.hidden = false;
      this.zoomBox.style.left = `${left}px`;
      this.zoomBox.style.width = `${Math.abs(this.drag.x1 - this.drag.x0)}px`;
      this.zoomBox.style.top = `${area.top}px`;
      this.zoomBox.style.height = `${area.bottom - area.top}px`;
    });
    const end = () => {
      const drag = this.drag;
      this.clearZoomBox();
      if (!drag || !this.chart || Math.abs(drag.x1 - drag.x0) < 5) return;
      const x = this.chart.scales.x;
      const lo = x.getValueForPixel(Math.min(drag.x0, drag.x1));
      const hi = x.getValueForPixel(Math.max(drag.x0, drag.x1));
      if (lo === undefined || hi === undefined || !(hi > lo)) return;
      this.showRange({ lo, hi });
      this.opts.onZoom({ lo, hi });
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', () => this.clearZoomBox());
    this.canvas.addEventListener('dblclick', () => {
      if (this.isZoomedFlag) this.resetZoom();
    });
  }

  private clearZoomBox(): void {
    this.drag = undefined;
    this.zoomBox.hidden = true;
  }

  /** Pixel width of the plot area (what a series request asks buckets for). */
  plotWidth(): number {
    const area = this.chart?.chartArea;
    if (area) return Math.max(50, Math.round(area.right - area.left));
    return Math.max(50, Math.round((this.canvasBox.clientWidth || 400) - 60));
  }

  /** The chart.js instance (tests and benchmarks look at it). */
  get instance(): Chart<'line', Pt[]> | undefined {
    return this.chart;
  }

  destroy(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.chart?.destroy();
    this.chart = undefined;
    this.element.remove();
  }
}

/** A line of a few points shows them (a lone point is otherwise invisible); a dense one does not. */
export function dotRadius(points: number): number {
  if (points === 0 || points > FEW_POINTS) return 0;
  return points === 1 ? 3.5 : 2.5;
}

const FEW_POINTS = 40;

function nanNote(lines: ChartLine[]): string {
  let nans = 0;
  for (const l of lines) {
    const min = l.data.col('min');
    const counts = l.data.col('counts');
    for (let i = 0; i < l.data.length; i++) if (min[i] !== min[i]) nans += counts[i];
  }
  return nans ? `${nans} NaN` : '';
}
