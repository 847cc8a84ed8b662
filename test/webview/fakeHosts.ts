// Fake hosts for the panel tests: a real index built from fixture run folders, answered with
// the same functions the extension's panels use (runView, seriesData, tableRows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestAll } from '../../src/core/ingest';
import { openIndex, type Store } from '../../src/core/store';
import { runView } from '../../src/host/panels/runViewData';
import { LiveSeries } from '../../src/host/panels/liveSeries';
import { answerSeries } from '../../src/host/panels/seriesAnswer';
import { tableRows } from '../../src/host/panels/tableRows';
import type { CompareFromWebview, CompareToWebview } from '../../src/protocol/comparePanel';
import type { RunFromWebview, RunToWebview } from '../../src/protocol/runPanel';
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

/** Answers a Run panel: the run on ready, series on request. */
export function serveRun(h: Harness, p: PanelPage<RunToWebview, RunFromWebview>, ws: Workspace, runId: string): void {
  const live = new LiveSeries();
  p.onMessage((m) => {
    if (m.type === 'ready') {
      const run = runView(ws.store, runId, h.blobSrc);
      void p.post(run ? { type: 'run', run } : { type: 'missing', runId });
    }
    if (m.type === 'requestSeries') void answerSeries(() => ws.store, live, m.requests, (series) => void p.post({ type: 'series', requestId: m.requestId, series }));
  });
}

export function serveCompare(h: Harness, p: PanelPage<CompareToWebview, CompareFromWebview>, ws: Workspace, runIds: string[]): { setRuns(ids: string[]): Promise<void> } {
  let ids = runIds;
  const live = new LiveSeries();
  const send = () => {
    const views = ids.map((id) => runView(ws.store, id, h.blobSrc));
    return p.post({ type: 'runs', runs: views.filter((v) => v !== undefined), missing: ids.filter((_, i) => !views[i]) });
  };
  p.onMessage((m) => {
    if (m.type === 'ready') void send();
    if (m.type === 'requestSeries') void answerSeries(() => ws.store, live, m.requests, (series) => void p.post({ type: 'series', requestId: m.requestId, series }));
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
    if (m.type === 'ready') void p.post({ type: 'rows', data: tableRows(ws.store), complete: true });
  });
}
