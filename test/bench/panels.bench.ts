// Panel speed, measured in Chromium against the built webviews with host-side data read from
// a real index by the panels' own host functions (runView, seriesData, tableRows):
// - Run panel, 10 keys × 100k points: first chart painted, from opening the panel;
// - Compare, 10 runs × 5 keys × 100k points: every chart painted;
// - Runs Table, 10,000 runs × 30 params × 10 metrics: first rows shown, a sort, scrolling.
// Baselines in the same run: the same charts with every point sent (no downsampling); the
// table built one query per run (listRuns + getRun), and a sort comparing strings.
// The indexes are built once and kept in the temp folder (building them takes a minute).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { getRun, listRuns } from '../../src/core/runQueries';
import { latestValues } from '../../src/core/metricQueries';
import { openIndex, type Store } from '../../src/core/store';
import { runView } from '../../src/host/panels/runViewData';
import { LiveSeries } from '../../src/host/panels/liveSeries';
import { answerSeries } from '../../src/host/panels/seriesAnswer';
import { allPointsData } from '../../src/host/panels/seriesData';
import { tableRows } from '../../src/host/panels/tableRows';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import type { SeriesData, SeriesRequest } from '../../src/protocol/series';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import { Harness } from '../webview/harness';
import { writeRun } from '../webview/runFixtures';
import { figure, median, type Figure } from './report';

const CACHE = join(tmpdir(), 'trackside-bench-panels-v2');
const POINTS = 100_000;
const RUN_KEYS = Array.from({ length: 10 }, (_, i) => (i < 4 ? `train/metric_${i}` : i < 8 ? `val/metric_${i}` : `sys/metric_${i}`));
const COMPARE_KEYS = RUN_KEYS.slice(0, 5);
const COMPARE_RUNS = Array.from({ length: 10 }, (_, i) => `20240301-0${i}0000-be0c0${i}`);
const SOLO_RUN = '20240302-000000-be0c10';
const TABLE_RUNS = 10_000;
const ROUNDS = 3;

/** Builds (once) and opens the chart index and the table index. */
function indexes(): { charts: Store; table: Store } {
  const chartsRoot = join(CACHE, 'charts', '.trackside');
  const tableRoot = join(CACHE, 'table', '.trackside');
  if (!existsSync(join(CACHE, 'complete'))) {
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    writeRun(chartsRoot, { id: SOLO_RUN, name: 'bench-solo', experiment: 'bench', status: 'finished', keys: RUN_KEYS, steps: POINTS, epochEvery: 1000, stepMs: 20 });
    COMPARE_RUNS.forEach((id, i) =>
      writeRun(chartsRoot, { id, name: `bench-${i}`, experiment: 'bench', status: 'finished', seed: i, keys: COMPARE_KEYS, steps: POINTS, epochEvery: 1000, stepMs: 20 }),
    );
    const charts = openIndex(chartsRoot);
    ingestAll(charts);
    charts.close();
    for (let i = 0; i < TABLE_RUNS; i++) {
      const params: Record<string, number | string> = {};
      for (let p = 0; p < 30; p++) params[`param_${String(p).padStart(2, '0')}`] = p % 10 === 9 ? ['adam', 'sgd', 'rmsprop'][(i + p) % 3] : ((i * 7919 + p * 104729) % 1000) / 1000;
      writeRun(tableRoot, {
        id: `2024${String(1 + (i % 12)).padStart(2, '0')}01-${String(i).padStart(6, '0')}-ab${String(i % 10_000).padStart(4, '0')}`,
        name: `run-${(i * 7919) % TABLE_RUNS}`,
        experiment: `exp-${i % 20}`,
        status: (['finished', 'failed', 'finished', 'stopped'] as const)[i % 4],
        start: Date.UTC(2023, 0, 1) + i * 3_600_000,
        params,
        keys: Array.from({ length: 10 }, (_, k) => `metric_${k}`),
        steps: 1,
        seed: i % 50,
        tags: i % 5 === 0 ? ['baseline'] : [],
      });
    }
    const table = openIndex(tableRoot);
    ingestAll(table);
    table.close();
    writeFileSync(join(CACHE, 'complete'), new Date().toISOString());
  }
  return { charts: openIndex(chartsRoot), table: openIndex(tableRoot) };
}

/** As the panels answer (one key per message, yielding between keys), or with every point. */
function answer(store: Store, requestId: number, requests: SeriesRequest[], downsample: boolean, post: (m: { type: 'series'; requestId: number; series: SeriesData[] }) => void): void {
  if (downsample) {
    void answerSeries(() => store, new LiveSeries(), requests, (series) => post({ type: 'series', requestId, series }));
    return;
  }
  const byKey = new Map<string, SeriesRequest[]>();
  for (const r of requests) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const reqs of byKey.values()) post({ type: 'series', requestId, series: reqs.map((r) => allPointsData(store, r.runId, r.key)) });
}

/** Opens a Run panel and answers it like the host; ms until the first (or every) chart is painted. */
async function runPanel(h: Harness, store: Store, downsample: boolean): Promise<{ first: number; all: number }> {
  const t0 = performance.now();
  const p = await h.open<RunToWebview, RunFromWebview>('run');
  try {
    p.onMessage((m) => {
      if (m.type === 'ready') void p.post({ type: 'run', run: runView(store, SOLO_RUN, h.blobSrc)! });
      if (m.type === 'requestSeries') answer(store, m.requestId, m.requests, downsample, (msg) => void p.post(msg));
    });
    await p.page.locator('.chart-card[data-painted]').first().waitFor({ state: 'attached', timeout: 120_000 });
    const first = performance.now() - t0;
    await p.page.waitForFunction((n) => document.querySelectorAll('.chart-card[data-painted]').length === n, RUN_KEYS.length, { timeout: 300_000 });
    return { first, all: performance.now() - t0 };
  } finally {
    await p.close();
  }
}

/** ms until every compare chart is painted; undefined when not within `cap` ms. */
async function comparePanel(h: Harness, store: Store, downsample: boolean, cap = 600_000): Promise<number | undefined> {
  const t0 = performance.now();
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', { state: { runIds: COMPARE_RUNS } });
  try {
    p.onMessage((m) => {
      if (m.type === 'ready') void p.post({ type: 'runs', runs: COMPARE_RUNS.map((id) => runView(store, id, h.blobSrc)!), missing: [] });
      if (m.type === 'requestSeries') answer(store, m.requestId, m.requests, downsample, (msg) => void p.post(msg));
    });
    // Painted with every run's line: the card's point count covers all ten.
    await p.page.waitForFunction(
      ([keys, runs]) => {
        const cards = [...document.querySelectorAll('.chart-card[data-painted]')] as (HTMLElement & { tracksideChart?: { data: { datasets: unknown[] } } })[];
        return cards.length === keys && cards.every((c) => (c.tracksideChart?.data.datasets.length ?? 0) === 2 * runs);
      },
      [COMPARE_KEYS.length, COMPARE_RUNS.length] as const,
      { timeout: cap, polling: 'raf' },
    ).catch(() => undefined);
    const ms = performance.now() - t0;
    return ms < cap ? ms : undefined;
  } finally {
    await p.close();
  }
}

/** The plain way to build the table: one query per run for its params and metrics. */
function perRunTable(store: Store): number {
  const t0 = performance.now();
  const runs = listRuns(store, { limit: TABLE_RUNS });
  const latest = latestValues(store, runs.map((r) => r.id));
  let cells = 0;
  for (const r of runs) cells += Object.keys(getRun(store, r.id)!.params).length + Object.keys(latest.get(r.id) ?? {}).length;
  if (cells === 0) throw new Error('empty table');
  return performance.now() - t0;
}

async function tablePanel(h: Harness, store: Store): Promise<{ firstRows: number; sort: number; plainSort: number; blankFrames: number }> {
  const t0 = performance.now();
  const p = await h.open<TableToWebview, TableFromWebview>('table');
  try {
    p.onMessage((m) => {
      if (m.type === 'ready') void p.post({ type: 'rows', data: tableRows(store) });
    });
    await p.page.locator('.vt-row').first().waitFor({ timeout: 60_000 });
    const firstRows = performance.now() - t0;
    // A sort by a text column (the slowest kind), clicked, until the next frame is painted.
    const sort = await p.page.evaluate(async () => {
      const head = document.querySelector('.vt-head[data-column="name"]') as HTMLElement;
      const t = performance.now();
      head.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    });
    const plainSort = await p.page.evaluate(() => {
      const rows = [...document.querySelectorAll('.vt-row')].length ? Array.from({ length: 10_000 }, (_, i) => ({ name: `run-${(i * 7919) % 10_000}`, i })) : [];
      const t = performance.now();
      rows.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }));
      return performance.now() - t;
    });
    // Scroll through the table a frame at a time; count frames where rows do not cover the view.
    const blankFrames = await p.page.evaluate(async () => {
      const vt = document.querySelector('.vt') as HTMLElement;
      const head = document.querySelector('.vt-header') as HTMLElement;
      let blank = 0;
      for (let f = 0; f < 240; f++) {
        vt.scrollTop += 1200;
        await new Promise((r) => requestAnimationFrame(r));
        const top = vt.getBoundingClientRect().top + head.offsetHeight;
        const bottom = vt.getBoundingClientRect().bottom;
        const rows = [...document.querySelectorAll('.vt-row:not([hidden])')].map((r) => r.getBoundingClientRect());
        const covered = rows.some((r) => r.top <= top + 1) && rows.some((r) => r.bottom >= bottom - 1 || vt.scrollTop + vt.clientHeight >= vt.scrollHeight - 1);
        if (!covered) blank++;
      }
      return blank;
    });
    return { firstRows, sort, plainSort, blankFrames };
  } finally {
    await p.close();
  }
}

export async function run(): Promise<Figure[]> {
  const { charts, table } = indexes();
  const h = await Harness.start();
  try {
    await runPanel(h, charts, true); // warm: compile caches, SQLite pages
    const ours: { first: number; all: number }[] = [];
    const plain: { first: number; all: number }[] = [];
    const cmp: number[] = [];
    let cmpPlain: number | undefined;
    const PLAIN_CAP = 120_000;
    const tbl: Awaited<ReturnType<typeof tablePanel>>[] = [];
    const perRun: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await runPanel(h, charts, true));
      plain.push(await runPanel(h, charts, false));
      cmp.push((await comparePanel(h, charts, true)) ?? Number.POSITIVE_INFINITY);
      if (i === 0) cmpPlain = await comparePanel(h, charts, false, PLAIN_CAP); // 5M points: once, capped
      tbl.push(await tablePanel(h, table));
      perRun.push(perRunTable(table));
    }
    const hostRead: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      tableRows(table);
      hostRead.push(performance.now() - t);
    }
    return [
      figure('Run panel 10 keys × 100k points: first chart painted', median(ours.map((r) => r.first)), 'ms', median(plain.map((r) => r.first)), '<= 800 ms', (v) => v <= 800),
      figure('Run panel 10 keys × 100k points: all charts painted', median(ours.map((r) => r.all)), 'ms', median(plain.map((r) => r.all)), 'faster than every point sent', (_v, ratio) => ratio < 1),
      figure(
        'Compare 10 runs × 5 keys × 100k points: all charts painted',
        median(cmp),
        'ms',
        cmpPlain ?? PLAIN_CAP,
        `<= 1500 ms${cmpPlain === undefined ? ` (baseline did not finish in ${PLAIN_CAP / 1000} s: shown as that)` : ''}`,
        (v) => v <= 1500,
      ),
      figure('Runs Table 10,000 runs × 30 params × 10 metrics: first rows', median(tbl.map((t) => t.firstRows)), 'ms', median(perRun), '<= 1000 ms (baseline: table built one query per run)', (v) => v <= 1000),
      figure('Runs Table host read (tableRows)', median(hostRead), 'ms', median(perRun), 'faster than one query per run', (_v, ratio) => ratio < 1),
      figure('Runs Table sort of 10,000 rows by name, to the next frame', median(tbl.map((t) => t.sort)), 'ms', median(tbl.map((t) => t.plainSort)), '<= 200 ms (baseline: a bare localeCompare sort)', (v) => v <= 200),
      figure('Runs Table scrolling 240 frames: frames with blank rows', Math.max(...tbl.map((t) => t.blankFrames)), 'frames', 0, '0', (v) => v === 0),
    ];
  } finally {
    await h.stop();
    charts.close();
    table.close();
  }
}
