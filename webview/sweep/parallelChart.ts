// The parallel-coordinates chart (chartjs-chart-pcp): one line per trial through its params to
// its metric, coloured from best to worst. Dragging along an axis brushes a range on it; the
// trials outside every brush fade, and the brushes are kept in the panel's state.
import { Chart, LinearScale, registry } from 'chart.js';
import { LinearAxis, LineSegment, PCPScale, ParallelCoordinatesController } from 'chartjs-chart-pcp';
import type { SweepTrialView } from '../../src/protocol/sweepPanel';
import type { ChartTheme } from '../shared/theme';
import { withAlpha } from '../shared/theme';
import type { Axis } from './axes';

// The axis is a scale class drawn as the dataset's element: registered as an element, as the
// plugin's own chart class does.
registry.addControllers(ParallelCoordinatesController);
registry.addElements(LinearAxis, LineSegment);
registry.addScales(PCPScale, LinearScale);

export type Brush = Record<string, [number, number]>;

/** What the brushes need of a chart, whatever its type parameters. */
interface DrawnChart {
  ctx: CanvasRenderingContext2D;
  getDatasetMeta(index: number): { dataset?: unknown };
}

interface AxisElement {
  x: number;
  top: number;
  bottom: number;
  getValueForPixel(px: number): number;
  getPixelForValue(v: number): number;
}

export interface ParallelChartHost {
  onBrush(brush: Brush): void;
  onOpen(trial: SweepTrialView): void;
}

export class ParallelChart {
  readonly element: HTMLCanvasElement;
  private chart: Chart<'pcp', number[], string> | undefined;
  private axes: Axis[] = [];
  private trials: SweepTrialView[] = [];
  private drag: { axis: number; from: number; to: number } | undefined;

  constructor(
    private brush: Brush,
    private readonly host: ParallelChartHost,
  ) {
    this.element = document.createElement('canvas');
    this.element.setAttribute('role', 'img');
    this.element.addEventListener('pointerdown', (e) => this.down(e));
    this.element.addEventListener('pointermove', (e) => this.move(e));
    this.element.addEventListener('pointerup', (e) => this.up(e));
    this.element.addEventListener('dblclick', () => this.setBrush({}));
  }

  inBrush(t: SweepTrialView): boolean {
    return this.axes.every((a) => {
      const r = this.brush[a.key];
      const v = a.value(t);
      return !r || (v !== null && v >= r[0] && v <= r[1]);
    });
  }

  setBrush(brush: Brush): void {
    this.brush = brush;
    this.host.onBrush(brush);
    this.chart?.update('none');
  }

  show(axes: Axis[], trials: SweepTrialView[], colorOf: (t: SweepTrialView) => string, theme: ChartTheme): void {
    this.axes = axes;
    this.trials = trials;
    this.element.setAttribute('aria-label', `Parallel coordinates of ${trials.length} trials over ${axes.map((a) => a.label).join(', ')}`);
    const color = (i: number): string => {
      const t = this.trials[i];
      return t && this.inBrush(t) ? colorOf(t) : withAlpha(theme.muted, 0.15);
    };
    const data = {
      labels: trials.map((t) => `#${t.key}`),
      datasets: axes.map((a) => ({
        label: a.label,
        data: trials.map((t) => a.value(t) as number),
        ...(a.categories
          ? { min: -0.25, max: a.categories.length - 0.75, afterBuildTicks: (scale: { ticks: { value: number }[] }) => (scale.ticks = a.categories!.map((_, i) => ({ value: i }))), ticks: { callback: (v: number | string) => a.categories![Number(v)] ?? '' } }
          : {}),
      })),
    };
    if (this.chart) {
      this.chart.data = data;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart<'pcp', number[], string>(this.element, {
      type: 'pcp',
      data,
      options: {
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { top: 12, bottom: 4, left: 8, right: 8 } },
        color: theme.foreground,
        borderColor: (ctx: { dataIndex: number }) => color(ctx.dataIndex),
        borderWidth: 2,
        tension: 0,
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        onClick: (_e: unknown, items: { index: number }[]) => {
          const t = items[0] ? this.trials[items[0].index] : undefined;
          if (t) this.host.onOpen(t);
        },
      } as never,
      plugins: [
        {
          id: 'brushes',
          afterDraw: (c) => {
            this.drawBrushes(c, theme);
            // What the chart last drew (lines, and where its axes are), for checks from outside.
            this.element.dataset.painted = String(this.trials.length);
            this.element.dataset.axes = JSON.stringify(this.axisElements(c).map((a) => Math.round(a.x)));
          },
        },
      ],
    });
  }

  /** Where each axis is drawn (the chart given while it is still being made). */
  private axisElements(chart: DrawnChart | undefined = this.chart): AxisElement[] {
    if (!chart) return [];
    return this.axes.map((_, i) => chart.getDatasetMeta(i).dataset as unknown as AxisElement);
  }

  private nearestAxis(x: number): number {
    const els = this.axisElements();
    let best = -1;
    let dist = 14;
    els.forEach((el, i) => {
      if (Math.abs(el.x - x) < dist) {
        dist = Math.abs(el.x - x);
        best = i;
      }
    });
    return best;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.element.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private down(e: PointerEvent): void {
    const p = this.point(e);
    const axis = this.nearestAxis(p.x);
    if (axis < 0) return;
    this.drag = { axis, from: p.y, to: p.y };
    this.element.setPointerCapture(e.pointerId);
  }

  private move(e: PointerEvent): void {
    if (!this.drag) return;
    this.drag.to = this.point(e).y;
    this.chart?.draw();
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
    this.element.releasePointerCapture(e.pointerId);
    const key = this.axes[d.axis].key;
    const next = { ...this.brush };
    if (Math.abs(d.to - d.from) < 3) delete next[key]; // a click on an axis clears its brush
    else {
      const el = this.axisElements()[d.axis];
      const a = el.getValueForPixel(d.from);
      const b = el.getValueForPixel(d.to);
      next[key] = [Math.min(a, b), Math.max(a, b)];
    }
    this.setBrush(next);
  }

  private drawBrushes(chart: DrawnChart, theme: ChartTheme): void {
    const ctx = chart.ctx;
    const els = this.axisElements(chart);
    ctx.save();
    ctx.fillStyle = withAlpha(theme.selection, 0.25);
    ctx.strokeStyle = theme.selection;
    this.axes.forEach((a, i) => {
      const el = els[i];
      let range: [number, number] | undefined;
      if (this.drag?.axis === i) range = [this.drag.from, this.drag.to];
      else if (this.brush[a.key]) range = [el.getPixelForValue(this.brush[a.key][0]), el.getPixelForValue(this.brush[a.key][1])];
      if (!el || !range) return;
      const top = Math.min(...range);
      const h = Math.abs(range[1] - range[0]);
      ctx.fillRect(el.x - 6, top, 12, h);
      ctx.strokeRect(el.x - 6, top, 12, h);
    });
    ctx.restore();
  }

  dispose(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
