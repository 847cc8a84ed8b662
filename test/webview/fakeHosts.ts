// Fake hosts for the panel tests: a real index built from fixture run folders, answered by the
// index worker's own handlers (in this process) through the panels' own series answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { openIndex, type Store } from '../../src/core/store';
import { LiveCursors } from '../../src/host/panels/liveCursors';
import { answerSeries, type SeriesPosts } from '../../src/host/panels/seriesAnswer';
import { methodsOn } from '../support/inProcessIndex';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
import type { SeriesData } from '../../src/protocol/series';
import type { TableFromWebview, TableToWebview } from '../../src/protocol/tablePanel';
import type { Harness, PanelPage } from './harness';
import { type FixtureRun, writeRun } from './runFixtures';

export interface Workspace {
  /** The `.trackside` folder. */
  root: string;
  store: Store;
  ingest(): void;
  dispose(): void;
}

/** A fresh `.trackside` folder holding these runs, ingested. */
export function workspace(runs: FixtureRun[]): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-webview-'));
  const root = join(dir, '.trackside');
  for (const r of runs) writeRun(root, r);
  const store = openIndex(root);
  ingestAll(store);
  return {
    root,
    store,
    ingest: () => void ingestAll(store),
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type SeriesAnswers = { type: 'series'; requestId: number; series: SeriesData[] } | { type: 'seriesError'; requestId: number; keys: string[]; message: string };

function seriesPosts(requestId: number, post: (m: SeriesAnswers) => void): SeriesPosts {
  return {
    series: (series) => post({ type: 'series', requestId, series }),
    error: (keys, message) => post({ type: 'seriesError', requestId, keys, message }),
  };
}

/** Answers a Run panel: the run on ready, series on request. */
export function serveRun(h: Harness, p: PanelPage<RunToWebview, RunFromWebview>, ws: Workspace, runId: string): void {
  const live = new LiveCursors();
  const index = methodsOn(ws.store);
  p.onMessage((m) => {
    if (m.type === 'ready') {
      const run = index.runView(runId, h.blobBase);
      void p.post(run ? { type: 'run', run } : { type: 'missing', runId });
    }
    if (m.type === 'requestSeries') void answerSeries(async (reqs) => index.series(reqs), live, m.requests, seriesPosts(m.requestId, (msg) => void p.post(msg)));
  });
}

export function serveCompare(h: Harness, p: PanelPage<CompareToWebview, CompareFromWebview>, ws: Workspace, runIds: string[]): { setRuns(ids: string[]): Promise<void> } {
  let ids = runIds;
  const live = new LiveCursors();
  const index = methodsOn(ws.store);
  const send = () => {
    const views = ids.map((id) => index.runView(id, h.blobBase));
    return p.post({ type: 'runs', runs: views.filter((v) => v !== undefined), missing: ids.filter((_, i) => !views[i]) });
  };
  p.onMessage((m) => {
    if (m.type === 'ready') void send();
    if (m.type === 'requestSeries') void answerSeries(async (reqs) => index.series(reqs), live, m.requests, seriesPosts(m.requestId, (msg) => void p.post(msg)));
  });
  return {
    setRuns: (next) => {
      ids = next;
      return send();
    },
  };
}

export function serveTable(p: PanelPage<TableToWebview, TableFromWebview>, ws: Workspace): void {
  p.onMessage((m) => {
    if (m.type === 'ready') void p.post({ type: 'rows', data: methodsOn(ws.store).tableRows(), complete: true });
  });
}
