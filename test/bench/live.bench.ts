// Live charts: a point flushed to a running run's events.jsonl until the Run panel's chart has
// drawn it (the frame after the draw), for 40 points flushed 100 ms apart as the Python
// client's writer does, in a workspace of 1,000 other runs. Ours: the index worker through the
// extension's own client (dist/indexWorker.js) hinted by a file watcher, answered as the Run
// panel answers (run view, then what is new since each chart's cursor). Baseline, the plain
// way: the same watcher, the new lines read from the file and posted straight to the same page.
// The editor's own file watcher is stood in for by Node's fs.watch (inotify, as VS Code's on Linux).
import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexClient } from '../../src/host/indexClient';
import { LiveCursors } from '../../src/host/panels/liveCursors';
import { answerSeries } from '../../src/host/panels/seriesAnswer';
import type { IngestNotice } from '../../src/protocol/indexWorker';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import { Harness, type PanelPage } from '../webview/harness';
import { runFolder, writeRun } from '../webview/runFixtures';
import { figure, median, type Figure } from './report';
import { workerClient } from './workerClient';

const LIVE = '20260301-120000-11ae11';
const KEY = 'train/loss';
const HISTORY = 1000;
const POINTS = 40;
const FLUSH_MS = 100;

/** Notes, per step, when (Date.now(), the frame after a draw) the loss chart first showed it. */
const PROBE = `(() => {
  window.__shown = {};
  let last = -Infinity;
  const check = () => {
    const chart = document.querySelector('.chart-card[data-painted]')?.tracksideChart;
    const raw = chart?.data.datasets.find((d) => d.lineMeta.kind === 'raw');
    const x = raw?.data.length ? raw.data[raw.data.length - 1].x : -Infinity;
    if (x <= last) return;
    requestAnimationFrame(() => {
      const now = Date.now();
      for (let s = last === -Infinity ? x : Math.floor(last) + 1; s <= x; s++) window.__shown[s] ??= now;
      last = Math.max(last, x);
    });
  };
  new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-painted'] });
})()`;

function line(step: number): string {
  return `{"t":${Date.now()},"type":"metrics","step":${step},"values":{"${KEY}":${1 / (step + 1)}}}\n`;
}

/** Appends one point every FLUSH_MS; resolves with the flush time of each step once all are drawn. */
async function flushAndWait(p: PanelPage<RunToWebview, RunFromWebview>, events: string): Promise<number[]> {
  const flushed: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    appendFileSync(events, line(HISTORY + i));
    flushed.push(Date.now());
    await new Promise((r) => setTimeout(r, FLUSH_MS));
  }
  await p.page.waitForFunction((last) => (window as unknown as { __shown: Record<number, number> }).__shown[last] !== undefined, HISTORY + POINTS - 1, { timeout: 60_000 });
  const shown = (await p.page.evaluate(() => (window as unknown as { __shown: Record<number, number> }).__shown)) as Record<number, number>;
  return flushed.map((t, i) => shown[HISTORY + i] - t);
}

function workspace(): { root: string; events: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-bench-live-'));
  const root = join(dir, '.trackside');
  for (let i = 0; i < 1000; i++) {
    writeRun(root, { id: `20260101-${String(i).padStart(6, '0')}-${i.toString(16).padStart(6, '0')}`, experiment: `exp-${i % 8}`, status: 'finished', keys: ['loss'], steps: 20 });
  }
  writeRun(root, { id: LIVE, name: 'live', status: 'running', keys: [KEY], steps: HISTORY, start: Date.now() - HISTORY * 100 });
  return { root, events: join(runFolder(root, LIVE), 'events.jsonl'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the Run panel of the live run, answered from the index; resolves once its chart is drawn. */
async function openPanel(h: Harness, c: IndexClient, live: LiveCursors): Promise<PanelPage<RunToWebview, RunFromWebview>> {
  const p = await h.open<RunToWebview, RunFromWebview>('run', { initScript: PROBE });
  p.onMessage((m) => {
    if (m.type === 'ready') void c.call('runView', LIVE, h.blobBase).then((run) => p.post({ type: 'run', run: run! }));
    if (m.type === 'requestSeries') {
      void answerSeries((reqs) => c.call('series', reqs), live, m.requests, {
        series: (series) => void p.post({ type: 'series', requestId: m.requestId, series }),
        error: (_keys, message) => {
          throw new Error(message);
        },
      });
    }
  });
  await p.page.waitForFunction((last) => (window as unknown as { __shown: Record<number, number> }).__shown[last] !== undefined, HISTORY - 1, { timeout: 60_000 });
  return p;
}

/** As the Run panel does when the index says its run changed. */
async function refresh(h: Harness, c: IndexClient, live: LiveCursors, p: PanelPage<RunToWebview, RunFromWebview>): Promise<void> {
  const run = await c.call('runView', LIVE, h.blobBase);
  await p.post({ type: 'run', run: run! });
  const update = await c.call('liveUpdate', LIVE, live.of(LIVE));
  live.advance(LIVE, update);
  if (update.append.length) await p.post({ type: 'append', points: update.append });
  for (const s of update.series) await p.post({ type: 'series', requestId: -1, series: [s] });
}

interface Measured {
  ws: ReturnType<typeof workspace>;
  c: IndexClient;
  live: LiveCursors;
  page?: PanelPage<RunToWebview, RunFromWebview>;
}

/** A fresh workspace and worker, the Run panel open; `wire` says what the watcher and the index's news do. */
async function measure(h: Harness, wire: (m: Measured) => { changed: () => void; ingested?: (n: IngestNotice) => void }): Promise<number[]> {
  const ws = workspace();
  const relay: { ingested?: (n: IngestNotice) => void } = {};
  const m: Measured = { ws, c: workerClient(ws.root, (n) => relay.ingested?.(n)), live: new LiveCursors() };
  const hooks = wire(m);
  relay.ingested = hooks.ingested;
  const watcher = watch(runFolder(ws.root, LIVE), () => hooks.changed());
  try {
    await m.c.job('ingestAll', {});
    m.page = await openPanel(h, m.c, m.live);
    return await flushAndWait(m.page, ws.events);
  } finally {
    watcher.close();
    await m.page?.close();
    m.c.dispose();
    ws.cleanup();
  }
}

/** As the editor: the watcher hints the worker, the Run panel answers the worker's news. */
const ours = (h: Harness) =>
  measure(h, (m) => ({
    changed: () => m.c.changed(),
    ingested: (n) => {
      if (m.page && n.changed.includes(LIVE)) void refresh(h, m.c, m.live, m.page);
    },
  }));

/** The plain way: the watcher's callback reads the new lines and posts them to the page. */
const plain = (h: Harness) =>
  measure(h, (m) => {
    let offset = statSync(m.ws.events).size;
    let rest = '';
    return {
      changed: () => {
        const size = statSync(m.ws.events).size;
        if (!m.page || size <= offset) return;
        const buf = Buffer.alloc(size - offset);
        const fd = openSync(m.ws.events, 'r');
        readSync(fd, buf, 0, buf.length, offset);
        closeSync(fd);
        offset = size;
        const lines = (rest + buf.toString('utf8')).split('\n');
        rest = lines.pop()!;
        const events = lines.map((l) => JSON.parse(l) as { t: number; step: number; values: Record<string, number> });
        const n = events.length;
        const points = { runId: LIVE, key: KEY, steps: new Float64Array(n), values: new Float64Array(n), t: new Float64Array(n), epochs: new Float64Array(n).fill(Number.NaN) };
        events.forEach((e, i) => {
          points.steps[i] = e.step;
          points.values[i] = e.values[KEY];
          points.t[i] = e.t;
        });
        void m.page.post({ type: 'append', points: [points] });
      },
    };
  });

export async function run(): Promise<Figure[]> {
  const h = await Harness.start();
  try {
    const a = await ours(h);
    const b = await plain(h);
    const name = `live: a point flushed to its pixel on the Run panel chart (${POINTS} points ${FLUSH_MS} ms apart, 1,000 other runs)`;
    return [
      figure(`${name}, median`, median(a), 'ms', median(b), '<= 600 ms', (v) => v <= 600),
      figure(`${name}, worst`, Math.max(...a), 'ms', Math.max(...b), '<= 600 ms', (v) => v <= 600),
    ];
  } finally {
    await h.stop();
  }
}
