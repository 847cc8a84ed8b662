// Panel speed, measured in Chromium against the panel scripts (minified, as shipped) with
// host-side data read from a real index as the panels read it: runView, series (posted by
// answerSeries) and tableRows asked of the index worker. Times run from the webview's
// navigation start, as the panel's HTML starts loading after the command: script, ready
// handshake, host reads, transfer (JSON, typed arrays as bytes beside it, as VS Code carries
// them) and drawing are all inside.
// - Run panel, 10 keys × 100k points: first chart painted, from opening the panel;
// - Compare, 10 runs × 5 keys × 100k points: every chart painted;
// - Runs Table, 10,000 runs × 30 params × 10 metrics: first rows shown, a sort, scrolling.
// Baselines in the same run: the same charts with every point given to chart.js (no
// downsampling; every point read on this thread); the same table rows read by one
// hand-written SQL query, and a sort comparing strings.
// The indexes are built once and kept in the temp folder (building them takes a minute).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { openIndex, type Store } from '../../src/core/store';
import { LiveCursors } from '../../src/host/panels/liveCursors';
import { answerSeries } from '../../src/host/panels/seriesAnswer';
import { allPointsData } from '../../src/views/seriesData';
import type { IndexClient } from '../../src/host/indexClient';
import { methodsOn } from '../support/inProcessIndex';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import type { RunView } from '../../src/protocol/runView';
import type { SeriesData, SeriesRequest } from '../../src/protocol/series';
import type { TableData } from '../../src/protocol/tableData';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import { build } from 'esbuild';
import { repoRoot } from '../e2e/paths';
import { Harness } from '../webview/harness';
import { writeRun } from '../webview/runFixtures';
import { figure, median, type Figure } from './report';
import { workerClient } from './workerClient';

const CACHE = join(tmpdir(), 'trackside-bench-panels-v2');
const POINTS = 100_000;
const RUN_KEYS = Array.from({ length: 10 }, (_, i) => (i < 4 ? `train/metric_${i}` : i < 8 ? `val/metric_${i}` : `sys/metric_${i}`));
const COMPARE_KEYS = RUN_KEYS.slice(0, 5);
const COMPARE_RUNS = Array.from({ length: 10 }, (_, i) => `20240301-0${i}0000-be0c0${i}`);
const SOLO_RUN = '20240302-000000-be0c10';
const TABLE_RUNS = 10_000;
const TABLE_ROOT = join(CACHE, 'table', '.trackside');
const CHARTS_ROOT = join(CACHE, 'charts', '.trackside');
const ROUNDS = 3;

/** Builds (once) and opens the chart index and the table index. */
function indexes(): { charts: Store; table: Store } {
  if (!existsSync(join(CACHE, 'complete'))) {
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    writeRun(CHARTS_ROOT, { id: SOLO_RUN, name: 'bench-solo', experiment: 'bench', status: 'finished', keys: RUN_KEYS, steps: POINTS, epochEvery: 1000, stepMs: 20 });
    COMPARE_RUNS.forEach((id, i) =>
      writeRun(CHARTS_ROOT, { id, name: `bench-${i}`, experiment: 'bench', status: 'finished', seed: i, keys: COMPARE_KEYS, steps: POINTS, epochEvery: 1000, stepMs: 20 }),
    );
    const charts = openIndex(CHARTS_ROOT);
    ingestAll(charts);
    charts.close();
    for (let i = 0; i < TABLE_RUNS; i++) {
      const params: Record<string, number | string> = {};
      for (let p = 0; p < 30; p++) params[`param_${String(p).padStart(2, '0')}`] = p % 10 === 9 ? ['adam', 'sgd', 'rmsprop'][(i + p) % 3] : ((i * 7919 + p * 104729) % 1000) / 1000;
      writeRun(TABLE_ROOT, {
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
    const table = openIndex(TABLE_ROOT);
    ingestAll(table);
    table.close();
    writeFileSync(join(CACHE, 'complete'), new Date().toISOString());
  }
  return { charts: openIndex(CHARTS_ROOT), table: openIndex(TABLE_ROOT) };
}

/** How the fake host reads a run and answers series requests. */
interface Reads {
  runView(id: string): Promise<RunView>;
  answer(requestId: number, requests: SeriesRequest[], post: (m: { type: 'series'; requestId: number; series: SeriesData[] }) => void): void;
}

/** As the panels read: runs and series from the index worker, one key per message, posted as each comes. */
function workerReads(index: IndexClient, blobBase: string): Reads {
  return {
    runView: async (id) => (await index.call('runView', id, blobBase))!,
    answer: (requestId, requests, post) =>
      void answerSeries((reqs) => index.call('series', reqs), new LiveCursors(), requests, {
        series: (series) => post({ type: 'series', requestId, series }),
        error: (_keys, message) => {
          throw new Error(message);
        },
      }),
  };
}

/** The plain way: every point of every key, read on this thread. */
function plainReads(store: Store, blobBase: string): Reads {
  return {
    runView: async (id) => methodsOn(store).runView(id, blobBase)!,
    answer: (requestId, requests, post) => {
      const byKey = new Map<string, SeriesRequest[]>();
      for (const r of requests) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
      for (const reqs of byKey.values()) post({ type: 'series', requestId, series: reqs.map((r) => allPointsData(store, r.runId, r.key)) });
    },
  };
}

/**
 * Runs in the page: notes when (ms since navigation start) the first chart shows data and
 * when `want` charts are drawn with every run's line, so nothing depends on polling.
 */
function paintProbe(want: number, runs: number): string {
  return `(() => {
    const check = () => {
      const cards = [...document.querySelectorAll('.chart-card[data-painted]')];
      const now = performance.now();
      if (cards.length && !window.__firstPaint) window.__firstPaint = now;
      if (!window.__allPaint && cards.length === ${want} && cards.every((c) => c.tracksideChart && c.tracksideChart.data.datasets.filter((d) => d.lineMeta.kind === 'raw').length === ${runs})) window.__allPaint = now;
    };
    new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-painted'] });
  })()`;
}

/** Opens a Run panel and answers it like the host; ms until the first (or every) chart is painted. */
async function runPanel(h: Harness, reads: Reads): Promise<{ first: number; all: number }> {
  const p = await h.open<RunToWebview, RunFromWebview>('run', {
    initScript: paintProbe(RUN_KEYS.length, 1),
    onMessage: (m, page) => {
      if (m.type === 'ready') void reads.runView(SOLO_RUN).then((run) => page.post({ type: 'run', run }));
      if (m.type === 'requestSeries') reads.answer(m.requestId, m.requests, (msg) => void page.post(msg));
    },
  });
  try {
    const done = await p.page.waitForFunction(() => (window as unknown as { __allPaint?: number }).__allPaint && [(window as unknown as { __firstPaint: number }).__firstPaint, (window as unknown as { __allPaint: number }).__allPaint], undefined, { timeout: 300_000 });
    const [first, all] = (await done.jsonValue()) as [number, number];
    return { first, all };
  } finally {
    await p.close();
  }
}

/** ms until every compare chart is painted; undefined when not within `cap` ms. */
async function comparePanel(h: Harness, reads: Reads, cap = 600_000): Promise<number | undefined> {
  const p = await h.open<CompareToWebview, CompareFromWebview>('compare', {
    state: { runIds: COMPARE_RUNS },
    initScript: paintProbe(COMPARE_KEYS.length, COMPARE_RUNS.length),
    onMessage: (m, page) => {
      if (m.type === 'ready') void Promise.all(COMPARE_RUNS.map((id) => reads.runView(id))).then((runs) => page.post({ type: 'runs', runs, missing: [] }));
      if (m.type === 'requestSeries') reads.answer(m.requestId, m.requests, (msg) => void page.post(msg));
    },
  });
  try {
    const done = await p.page.waitForFunction(() => (window as unknown as { __allPaint?: number }).__allPaint, undefined, { timeout: cap }).catch(() => undefined);
    return done ? ((await done.jsonValue()) as number) : undefined;
  } finally {
    await p.close();
  }
}

/** The plain way to read the table's rows: one SQL query, params and latest metrics as JSON. */
function oneQueryTable(store: Store): number {
  const t0 = performance.now();
  const rows = store.engine
    .prepare(
      `SELECT r.id, r.name, r.experiment, r.status, r.started,
        (SELECT json_group_object(p.key, json(p.value)) FROM params p WHERE p.rid = r.rid) AS params,
        (SELECT json_group_object(k.key, s.last) FROM summaries s JOIN metric_keys k ON k.kid = s.kid WHERE s.rid = r.rid) AS metrics
      FROM runs r WHERE r.deleted = 0 ORDER BY coalesce(r.started, r.created) DESC`,
    )
    .all() as { params: string; metrics: string }[];
  let cells = 0;
  for (const r of rows) cells += Object.keys(JSON.parse(r.params) as object).length + Object.keys(JSON.parse(r.metrics) as object).length;
  if (cells === 0) throw new Error('empty table');
  return performance.now() - t0;
}

async function tablePanel(h: Harness, index: IndexClient): Promise<{ firstRows: number; allRows: number; sort: number; plainSort: number; blankFrames: number }> {
  const probe = `new MutationObserver(() => {
    if (!window.__rows && document.querySelector('.vt-row')) window.__rows = performance.now();
    if (!window.__all && /^10,000 of 10,000 runs$/.test(document.querySelector('.table-count')?.textContent ?? '')) window.__all = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true })`;
  // As the host does: the newest page asked of the index worker as the panel starts loading;
  // at ready it is sent, and every run asked for as it goes.
  let first: Promise<TableData> | undefined;
  const p = await h.open<TableToWebview, TableFromWebview>('table', {
    initScript: probe,
    navigating: () => (first = index.call('tableRows', undefined, 200)),
    onMessage: (m, page) => {
      if (m.type !== 'ready' || !first) return;
      void first.then((data) => {
        const all = index.call('tableRows');
        return page.post({ type: 'rows', data, complete: false }).then(() => all).then((every) => page.post({ type: 'rows', data: every, complete: true }));
      });
    },
  });
  try {
    const shown = await p.page.waitForFunction(() => (window as unknown as { __all?: number }).__all && [(window as unknown as { __rows: number }).__rows, (window as unknown as { __all: number }).__all], undefined, { timeout: 60_000 });
    const [firstRows, allRows] = (await shown.jsonValue()) as [number, number];
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
    return { firstRows, allRows, sort, plainSort, blankFrames };
  } finally {
    await p.close();
  }
}

/** The panel scripts as shipped (minified), built into a temp folder. */
async function productionWebviews(): Promise<string> {
  const out = join(CACHE, 'webview-min');
  await build({
    entryPoints: ['run', 'compare', 'table'].map((p) => ({ in: join(repoRoot, 'webview', p, 'main.ts'), out: p })),
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  return out;
}

export async function run(): Promise<Figure[]> {
  const { charts, table } = indexes();
  const h = await Harness.start({ webviewDir: await productionWebviews() });
  const tableIndex = workerClient(TABLE_ROOT);
  const chartsIndex = workerClient(CHARTS_ROOT);
  try {
    await tableIndex.call('tableRows', undefined, 1); // the index open, as in an editor that shows runs
    const ourReads = workerReads(chartsIndex, h.blobBase);
    const plainWay = plainReads(charts, h.blobBase);
    await runPanel(h, ourReads); // warm: compile caches, SQLite pages
    const ours: { first: number; all: number }[] = [];
    const plain: { first: number; all: number }[] = [];
    const cmp: number[] = [];
    let cmpPlain: number | undefined;
    const PLAIN_CAP = 120_000;
    const tbl: Awaited<ReturnType<typeof tablePanel>>[] = [];
    const oneQuery: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await runPanel(h, ourReads));
      plain.push(await runPanel(h, plainWay));
      cmp.push((await comparePanel(h, ourReads)) ?? Number.POSITIVE_INFINITY);
      if (i === 0) cmpPlain = await comparePanel(h, plainWay, PLAIN_CAP); // 5M points: once, capped
      tbl.push(await tablePanel(h, tableIndex));
      oneQuery.push(oneQueryTable(table));
    }
    const hostRead: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      methodsOn(table).tableRows();
      hostRead.push(performance.now() - t);
    }
    return [
      figure('Run panel 10 keys × 100k points: first chart painted', median(ours.map((r) => r.first)), 'ms', median(plain.map((r) => r.first)), '<= 400 ms', (v) => v <= 400),
      figure('Run panel 10 keys × 100k points: first chart painted, worst', Math.max(...ours.map((r) => r.first)), 'ms', Math.max(...plain.map((r) => r.first)), '<= 400 ms', (v) => v <= 400),
      figure('Run panel 10 keys × 100k points: all charts painted', median(ours.map((r) => r.all)), 'ms', median(plain.map((r) => r.all)), 'faster than every point sent', (_v, ratio) => ratio < 1),
      figure(
        'Compare 10 runs × 5 keys × 100k points: all charts painted',
        median(cmp),
        'ms',
        cmpPlain ?? PLAIN_CAP,
        `<= 700 ms${cmpPlain === undefined ? ` (baseline did not finish in ${PLAIN_CAP / 1000} s: shown as that)` : ''}`,
        (v) => v <= 700,
      ),
      figure('Runs Table 10,000 runs × 30 params × 10 metrics: first rows', median(tbl.map((t) => t.firstRows)), 'ms', median(oneQuery), '<= 250 ms (baseline: the rows read by one SQL query)', (v) => v <= 250),
      figure('Runs Table: all 10,000 rows in (sortable, filterable)', median(tbl.map((t) => t.allRows)), 'ms', median(oneQuery), '<= 800 ms (baseline: the rows read by one SQL query)', (v) => v <= 800),
      figure('Runs Table host read (tableRows)', median(hostRead), 'ms', median(oneQuery), 'no slower than one SQL query', (_v, ratio) => ratio <= 1),
      figure('Runs Table sort of 10,000 rows by name, to the next frame', median(tbl.map((t) => t.sort)), 'ms', median(tbl.map((t) => t.plainSort)), '<= 200 ms (baseline: a bare localeCompare sort)', (v) => v <= 200),
      figure('Runs Table scrolling 240 frames: frames with blank rows', Math.max(...tbl.map((t) => t.blankFrames)), 'frames', 0, '0', (v) => v === 0),
    ];
  } finally {
    tableIndex.dispose();
    chartsIndex.dispose();
    await h.stop();
    charts.close();
    table.close();
  }
}
