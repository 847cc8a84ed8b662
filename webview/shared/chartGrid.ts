// Every metric key of one or more runs as a chart, grouped by prefix (train/, val/, sys/ …).
// Owns what each chart holds: the whole-series buckets, the zoomed buckets while zoomed,
// live appends, and asking the host for (re)downsampled data at the chart's pixel width.
import type { ChartControls } from '../../src/protocol/runPanel';
import type { AppendedPoints, SeriesData, SeriesRequest, SeriesToWebview, StepRange } from '../../src/protocol/series';
import { DEFAULT_CONTROLS, chartToolbar } from './chartControls';
import { stepRangeFor } from './chartPoints';
import { el } from './dom';
import { type ChartLine, MetricChart } from './metricChart';
import { SeriesBuffer } from './seriesBuffer';
import type { ChartTheme } from './theme';

export interface GridRun {
  id: string;
  label: string;
  color: string;
  /** Unix ms the run started. */
  start: number;
  hidden?: boolean;
}

export interface ChartGridHost {
  /** Posts a series request; answers come back through receive(). */
  request(requests: SeriesRequest[]): void;
  /** The zoom of a key changed (for the panel's saved state). */
  zoomChanged(key: string, range: { xMin: number; xMax: number } | undefined): void;
}

type ZoomRanges = Record<string, { xMin: number; xMax: number }>;

/**
 * The host a panel gives its grid: numbered series requests through `post`, and each key's
 * zoom kept in the panel's saved state so a reload restores it.
 */
/** A message about series (answers, failures, live points), for ChartGrid.take. */
export function isSeriesMessage(m: { type: string }): m is SeriesToWebview {
  return m.type === 'series' || m.type === 'seriesError' || m.type === 'append';
}

/**
 * The Run and Compare panels' charts: the grid and its toolbar, whose choices (and the zoom)
 * are kept in the panel's saved state.
 */
export function panelCharts(
  post: (m: { type: 'requestSeries'; requestId: number; requests: SeriesRequest[] }) => void,
  state: { zoom?: ZoomRanges; controls?: ChartControls },
  save: () => void,
  theme: ChartTheme,
): { grid: ChartGrid; toolbar: HTMLElement } {
  const controls = { ...DEFAULT_CONTROLS, ...state.controls };
  const grid = new ChartGrid(controls, theme, panelGridHost(post, state, save), state.zoom);
  const toolbar = chartToolbar(controls, (c) => {
    state.controls = c;
    save();
    grid.setControls(c);
  });
  return { grid, toolbar };
}

function panelGridHost(
  post: (m: { type: 'requestSeries'; requestId: number; requests: SeriesRequest[] }) => void,
  state: { zoom?: ZoomRanges },
  save: () => void,
): ChartGridHost {
  let requestId = 0;
  return {
    request: (requests) => post({ type: 'requestSeries', requestId: ++requestId, requests }),
    zoomChanged: (key, range) => {
      state.zoom = { ...state.zoom };
      if (range) state.zoom[key] = range;
      else delete state.zoom[key];
      save();
    },
  };
}

interface KeyState {
  chart: MetricChart;
  overview: Map<string, SeriesBuffer>;
  zoomed: Map<string, SeriesBuffer>;
  zoom: { xMin: number; xMax: number } | undefined;
  /** Runs whose whole series was asked for and not answered yet. */
  pending: Set<string>;
}

/** A whole series re-downsampled once live appends make it this many times the chart width. */
const REFINE_FACTOR = 3;

export class ChartGrid {
  readonly element: HTMLElement;
  private readonly keys = new Map<string, KeyState>();
  private runs: GridRun[] = [];
  private readonly observer: IntersectionObserver;
  private groups = new Map<string, { details: HTMLDetailsElement; grid: HTMLElement; count: HTMLElement }>();

  constructor(
    private controls: ChartControls,
    private theme: ChartTheme,
    private readonly host: ChartGridHost,
    private readonly savedZoom: Record<string, { xMin: number; xMax: number }> = {},
  ) {
    this.element = el('div', { class: 'chart-groups' });
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const key = (e.target as HTMLElement).dataset.key;
          if (key) this.keys.get(key)?.chart.setVisible(e.isIntersecting);
        }
      },
      { rootMargin: '400px 0px' },
    );
  }

  setRuns(runs: GridRun[]): void {
    const before = new Set(this.runs.map((r) => r.id));
    this.runs = runs;
    for (const [key, s] of this.keys) {
      for (const id of [...s.overview.keys()]) if (!runs.some((r) => r.id === id)) s.overview.delete(id);
      this.refreshLines(key, false);
    }
    const added = runs.filter((r) => !before.has(r.id)).map((r) => r.id);
    if (added.length && this.keys.size) this.requestWhole([...this.keys.keys()], added);
  }

  /** Shows charts for exactly these keys (in this order within their groups). */
  setKeys(keys: string[]): void {
    // New charts in page order, so the first on screen is asked for (and drawn) first.
    const fresh = keys.filter((k) => !this.keys.has(k)).sort((a, b) => compareGroups(groupOf(a), groupOf(b)) || keys.indexOf(a) - keys.indexOf(b));
    for (const [key, s] of this.keys) {
      if (!keys.includes(key)) {
        this.observer.unobserve(s.chart.element);
        s.chart.destroy();
        this.keys.delete(key);
      }
    }
    for (const key of fresh) {
      const zoom = this.savedZoom[key];
      const chart = new MetricChart(key, this.controls, this.theme, { title: key, onZoom: (r) => this.onZoom(key, r) });
      chart.onIdleWork = () => this.scheduleIdle();
      this.keys.set(key, { chart, overview: new Map(), zoomed: new Map(), zoom, pending: new Set() });
      this.group(key).grid.append(chart.element);
      this.observer.observe(chart.element);
    }
    for (const [name, g] of this.groups) {
      const n = g.grid.childElementCount;
      if (n === 0) {
        g.details.remove();
        this.groups.delete(name);
      } else g.count.textContent = String(n);
    }
    this.sortGroups();
    if (fresh.length) this.requestWhole(fresh, this.runs.map((r) => r.id));
    for (const key of fresh) {
      const s = this.keys.get(key)!;
      if (!s.zoom) continue;
      s.chart.showRange(this.controls.xAxis === 'step' ? { lo: s.zoom.xMin, hi: s.zoom.xMax } : undefined, true);
      this.requestZoom(key, s.zoom, this.runs.map((r) => r.id));
    }
  }

  setControls(c: ChartControls): void {
    const axisChanged = c.xAxis !== this.controls.xAxis;
    this.controls = c;
    for (const [key, s] of this.keys) {
      s.chart.setControls(c);
      // Steps show the zoomed range exactly; other axes fit the zoomed data.
      if (axisChanged && s.zoom) s.chart.showRange(c.xAxis === 'step' ? { lo: s.zoom.xMin, hi: s.zoom.xMax } : undefined, true);
      this.refreshLines(key, false);
    }
  }

  setTheme(t: ChartTheme): void {
    this.theme = t;
    for (const s of this.keys.values()) s.chart.setTheme(t);
  }

  /** A series message from the host. */
  take(m: SeriesToWebview): void {
    if (m.type === 'series') this.receive(m.series);
    else if (m.type === 'seriesError') this.fail(m.keys, m.message);
    else this.append(m.points);
  }

  /** Series from the host: whole ones replace the overview, ranged ones the zoomed view. */
  receive(series: SeriesData[]): void {
    const touched = new Set<string>();
    for (const d of series) {
      const s = this.keys.get(d.key);
      if (!s) continue;
      if (d.range) {
        if (!s.zoom || d.range.xMin !== s.zoom.xMin || d.range.xMax !== s.zoom.xMax) continue; // stale zoom
        s.zoomed.set(d.runId, new SeriesBuffer(d));
      } else {
        s.pending.delete(d.runId);
        s.overview.set(d.runId, new SeriesBuffer(d));
      }
      touched.add(d.key);
    }
    for (const key of touched) {
      this.keys.get(key)?.chart.showError(undefined);
      this.refreshLines(key, false);
    }
  }

  /** A series request failed: its charts say why instead of waiting. */
  fail(keys: string[], message: string): void {
    for (const key of keys) {
      const s = this.keys.get(key);
      if (!s) continue;
      s.pending.clear();
      s.chart.showError(message);
    }
  }

  /** Live points: appended to the whole series (a zoomed view keeps its range). */
  append(points: AppendedPoints[]): void {
    const refine = new Map<string, string[]>();
    const touched = new Set<string>();
    for (const p of points) {
      const s = this.keys.get(p.key);
      const buf = s?.overview.get(p.runId);
      if (!s || !buf) continue;
      if (buf.append(p) === 0) continue;
      touched.add(p.key);
      if (!s.pending.has(p.runId) && buf.length > REFINE_FACTOR * s.chart.plotWidth()) {
        refine.set(p.runId, [...(refine.get(p.runId) ?? []), p.key]);
      }
    }
    for (const key of touched) this.refreshLines(key, true);
    for (const [runId, keys] of refine) this.requestWhole(keys, [runId]);
  }

  /**
   * Charts out of view are painted one at a time when the page is idle, so scrolling finds
   * them drawn and none waits for the viewport to reach it.
   */
  private idleQueued = false;

  private scheduleIdle(): void {
    if (this.idleQueued) return;
    this.idleQueued = true;
    const run = (deadline?: IdleDeadline) => {
      this.idleQueued = false;
      // As many as fit in this idle period (at least one, so a busy page still progresses).
      for (let n = 0; ; n++) {
        const next = [...this.keys.values()].find((s) => s.chart.needsIdlePaint);
        if (!next) return;
        if (n > 0 && deadline && deadline.timeRemaining() < 8) break;
        next.chart.paintNow();
      }
      this.scheduleIdle();
    };
    if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 200 });
    else setTimeout(run, 50);
  }

  chart(key: string): MetricChart | undefined {
    return this.keys.get(key)?.chart;
  }

  /** Last step held per key and run, so a restored panel knows where live data resumes. */
  hasSeries(key: string, runId: string): boolean {
    return this.keys.get(key)?.overview.has(runId) ?? false;
  }

  private refreshLines(key: string, live: boolean): void {
    const s = this.keys.get(key);
    if (!s) return;
    const source = s.zoom && s.zoomed.size ? s.zoomed : s.overview;
    const lines: ChartLine[] = [];
    for (const r of this.runs) {
      const data = source.get(r.id);
      if (data) lines.push({ id: r.id, label: r.label, color: r.color, start: r.start, data, hidden: r.hidden });
    }
    s.chart.setLines(lines);
    s.chart.invalidate(live);
  }

  private onZoom(key: string, range: { lo: number; hi: number } | undefined): void {
    const s = this.keys.get(key);
    if (!s) return;
    if (!range) {
      s.zoom = undefined;
      s.zoomed.clear();
      this.host.zoomChanged(key, undefined);
      this.refreshLines(key, false);
      return;
    }
    // Map the dragged x range to steps through the data on screen.
    let steps: StepRange | undefined;
    for (const r of this.runs) {
      const buf = (s.zoomed.size ? s.zoomed : s.overview).get(r.id);
      if (!buf) continue;
      const sr = stepRangeFor(buf, range.lo, range.hi, { xAxis: this.controls.xAxis, start: r.start });
      if (!sr) continue;
      steps = { xMin: Math.min(steps?.xMin ?? Infinity, sr.xMin), xMax: Math.max(steps?.xMax ?? -Infinity, sr.xMax) };
    }
    if (!steps || steps.xMin === undefined || steps.xMax === undefined) return;
    s.zoom = { xMin: steps.xMin, xMax: steps.xMax };
    this.host.zoomChanged(key, s.zoom);
    this.requestZoom(key, s.zoom, this.runs.map((r) => r.id));
  }

  private requestWhole(keys: string[], runIds: string[]): void {
    const requests: SeriesRequest[] = [];
    for (const key of keys) {
      const s = this.keys.get(key);
      if (!s) continue;
      for (const runId of runIds) {
        s.pending.add(runId);
        requests.push({ runId, key, buckets: s.chart.plotWidth() });
      }
    }
    if (requests.length) this.host.request(requests);
  }

  private requestZoom(key: string, zoom: { xMin: number; xMax: number }, runIds: string[]): void {
    const s = this.keys.get(key);
    if (!s) return;
    this.host.request(runIds.map((runId) => ({ runId, key, buckets: s.chart.plotWidth(), xMin: zoom.xMin, xMax: zoom.xMax })));
  }

  private group(key: string): { details: HTMLDetailsElement; grid: HTMLElement; count: HTMLElement } {
    const name = groupOf(key);
    let g = this.groups.get(name);
    if (!g) {
      const count = el('span', { class: 'group-count' });
      const grid = el('div', { class: 'chart-grid' });
      const details = el('details', { class: 'chart-group', attrs: { open: true }, dataset: { group: name } }, el('summary', {}, el('span', { class: 'group-name', text: name || 'metrics' }), count), grid);
      g = { details, grid, count };
      this.groups.set(name, g);
      this.element.append(details);
    }
    return g;
  }

  private sortGroups(): void {
    const names = [...this.groups.keys()].sort(compareGroups);
    for (const n of names) this.element.append(this.groups.get(n)!.details);
  }
}

/** `train/loss` → `train`; keys without a prefix share the unnamed group. */
export function groupOf(key: string): string {
  const i = key.indexOf('/');
  return i > 0 ? key.slice(0, i) : '';
}

/** Unprefixed first, then by name, system metrics last. */
export function compareGroups(a: string, b: string): number {
  const rank = (g: string) => (g === '' ? 0 : g === 'sys' ? 2 : 1);
  // Not localeCompare: its first call loads the collator (~30 ms), in the way of the first chart.
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return rank(a) - rank(b) || order(a.toLowerCase(), b.toLowerCase()) || order(a, b);
}
