// One small scatter per parameter: the metric against that parameter's values, every trial a
// point in its metric colour, the best one ringed, those outside the brush faded.
import { Chart, LinearScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { SweepTrialView } from '../../src/protocol/sweepPanel';
import { el } from '../shared/dom';
import { formatMetric } from '../shared/format';
import { type ChartTheme, withAlpha } from '../shared/theme';
import type { Axis } from './axes';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

export class Scatters {
  readonly element = el('div', { class: 'scatter-grid' });
  private charts = new Map<string, Chart<'scatter'>>();

  show(paramAxes: Axis[], metric: Axis, trials: SweepTrialView[], colorOf: (t: SweepTrialView) => string, inBrush: (t: SweepTrialView) => boolean, best: SweepTrialView | undefined, theme: ChartTheme): void {
    const keys = new Set(paramAxes.map((a) => a.key));
    for (const [k, c] of this.charts) {
      if (keys.has(k)) continue;
      c.destroy();
      this.charts.delete(k);
    }
    this.element.replaceChildren();
    for (const axis of paramAxes) {
      const points = trials.map((t) => ({ x: axis.value(t)!, y: metric.value(t)!, t }));
      const colors = points.map((p) => (inBrush(p.t) ? colorOf(p.t) : withAlpha(theme.muted, 0.2)));
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${metric.label} against ${axis.label}`);
      this.element.append(el('figure', { class: 'scatter' }, el('figcaption', { text: axis.label }), el('div', { class: 'scatter-canvas' }, canvas)));
      this.charts.get(axis.key)?.destroy();
      const chart = new Chart<'scatter'>(canvas, {
        type: 'scatter',
        data: {
          datasets: [
            {
              data: points.map(({ x, y }) => ({ x, y })),
              pointBackgroundColor: colors,
              pointBorderColor: points.map((p) => (p.t === best ? theme.foreground : colors[points.indexOf(p)])),
              pointBorderWidth: points.map((p) => (p.t === best ? 2 : 0)),
              pointRadius: points.map((p) => (p.t === best ? 6 : 4)),
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (item) => `#${points[item.dataIndex].t.key}: ${metric.label} ${formatMetric(points[item.dataIndex].y)}` } },
          },
          scales: {
            x: {
              grid: { color: theme.grid },
              ticks: { color: theme.muted, ...(axis.categories ? { callback: (v) => axis.categories![Number(v)] ?? '' } : {}) },
              ...(axis.categories
                ? { min: -0.5, max: axis.categories.length - 0.5, afterBuildTicks: (scale) => void (scale.ticks = axis.categories!.map((_, i) => ({ value: i }))) }
                : {}),
            },
            y: { grid: { color: theme.grid }, ticks: { color: theme.muted }, title: { display: true, text: metric.label, color: theme.muted } },
          },
        },
      });
      this.charts.set(axis.key, chart);
    }
  }
}
