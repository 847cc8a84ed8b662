// One chart per metric: its value in each evaluation of the version, in order, with the
// baseline and the tolerance line; degraded evaluations drawn as larger triangles in the
// theme's error color.
import { CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import type { ModelReportView } from '../../src/protocol/model';
import { el, replaceChildren } from '../shared/dom';
import { formatDate } from '../shared/format';
import { type ChartTheme, tooltipColors } from '../shared/theme';
import { valueText } from './format';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Filler);

export interface ChartColors {
  theme: ChartTheme;
  line: string;
  degraded: string;
  threshold: string;
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function chartColors(theme: ChartTheme): ChartColors {
  return {
    theme,
    line: theme.base[0],
    degraded: cssColor('--vscode-errorForeground', cssColor('--vscode-charts-red', '#f14c4c')),
    threshold: cssColor('--vscode-editorWarning-foreground', cssColor('--vscode-charts-yellow', '#cca700')),
  };
}

export class MetricCharts {
  readonly element = el('div', { class: 'chart-grid model-charts' });
  private charts: Chart[] = [];

  render(r: ModelReportView, colors: ChartColors): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    const evals = r.evaluations;
    if (evals.length === 0 || r.metrics.length === 0) {
      replaceChildren(this.element);
      return;
    }
    // Runs of one month can start within the same minute: name them, dates go in the tooltip.
    const labels = evals.map((e) => e.name);
    const baseline = evals.find((e) => e.baseline);
    const cards = r.metrics.map((key) => {
      const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${key} across evaluations` } });
      const box = el('div', { class: 'chart-canvas' }, canvas);
      const degradedIdx = new Set(evals.flatMap((e, i) => (e.checks.some((c) => c.key === key && c.degraded) ? [i] : [])));
      const base = baseline?.values[key] ?? null;
      const tol = evals.flatMap((e) => e.checks).find((c) => c.key === key)?.tolerance ?? r.tolerance;
      const dir = r.directions[key];
      const limit = base === null ? null : dir === 'higher' ? base - tol * Math.abs(base) : base + tol * Math.abs(base);
      const t = colors.theme;
      const datasets: ChartDataset<'line', (number | null)[]>[] = [
        {
          label: key,
          data: evals.map((e) => e.values[key] ?? null),
          borderColor: colors.line,
          backgroundColor: colors.line,
          pointBackgroundColor: evals.map((_, i) => (degradedIdx.has(i) ? colors.degraded : colors.line)),
          pointBorderColor: evals.map((_, i) => (degradedIdx.has(i) ? colors.degraded : colors.line)),
          pointStyle: evals.map((_, i) => (degradedIdx.has(i) ? 'triangle' : 'circle')),
          pointRadius: evals.map((_, i) => (degradedIdx.has(i) ? 7 : 3.5)),
          pointHoverRadius: 8,
          spanGaps: true,
          borderWidth: 2,
        },
      ];
      if (base !== null) {
        datasets.push({ label: 'first evaluation', data: evals.map(() => base), borderColor: t.muted, borderDash: [4, 4], borderWidth: 1, pointRadius: 0, pointHoverRadius: 0 });
      }
      if (limit !== null) {
        datasets.push({ label: `tolerance (${dir} is better)`, data: evals.map(() => limit), borderColor: colors.threshold, borderDash: [2, 3], borderWidth: 1, pointRadius: 0, pointHoverRadius: 0 });
      }
      const chart = new Chart<'line'>(canvas, {
        type: 'line',
        data: { labels, datasets },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { ticks: { color: t.muted, font: { family: t.fontFamily, size: t.fontSize - 2 }, maxRotation: 0, autoSkip: true }, grid: { color: t.grid } },
            y: { ticks: { color: t.muted, font: { family: t.fontFamily, size: t.fontSize - 2 } }, grid: { color: t.grid } },
          },
          plugins: {
            tooltip: {
              ...tooltipColors(t),
              callbacks: {
                title: (items) => (items.length ? `${labels[items[0].dataIndex]} · ${formatDate(evals[items[0].dataIndex].started)}` : ''),
                label: (item) => `${item.dataset.label}: ${valueText(item.parsed.y)}${item.datasetIndex === 0 && degradedIdx.has(item.dataIndex) ? '  ⚠ degraded' : ''}`,
              },
            },
          },
        },
      });
      this.charts.push(chart);
      const marked = degradedIdx.size;
      return el(
        'div',
        { class: `chart-card${marked ? ' has-degradation' : ''}`, dataset: { metric: key } },
        el('div', { class: 'chart-title' }, el('span', { class: 'chart-name', text: key, title: key }), el('span', { class: 'chart-note', text: `${dir} is better${marked ? ` · ${marked} degraded` : ''}` })),
        box,
      );
    });
    replaceChildren(this.element, ...cards);
  }
}
