// Everything the editor asks of the index, by name: the worker answers these (and tests call
// them in-process). Each takes plain, cloneable arguments and returns plain data.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RunFilter as ExplorerFilter } from '../core/query/runFilter';
import { exportMetricsCsv } from '../core/export/metricsCsv';
import { exportRunArchive } from '../core/export/runArchive';
import { type ExportFormat, exportRuns } from '../core/exportRuns';
import { importPaths } from '../core/import/importPaths';
import type { DegradationSettings } from '../core/models/degradation';
import { gateHistory, latestGates } from '../core/models/gateQueries';
import { evaluatedBy, listModels, listVersions, resolveModelRef } from '../core/models/modelQueries';
import { type RegisterOptions, registerCandidates, registerVersion } from '../core/models/registerVersion';
import { versionReport } from '../core/models/versionReport';
import { compileQuery } from '../core/query/compile';
import { type ListRunsOptions, type RunFilter, countRuns, experiments, getRun, listRuns, resolveRun, runIds } from '../core/runQueries';
import { recoverRuns } from '../core/runner/recoverRuns';
import { deleteRun, renameRun, restoreRun, setNote, tagRun } from '../core/runEdits';
import type { Store } from '../core/store';
import type { SeriesRequest } from '../protocol/series';
import type { PrimaryChoice } from '../protocol/explorer';
import { explorerChildren, explorerGroups, explorerRun, explorerRuns, runDetails } from '../views/explorerData';
import { type SentSeries, liveUpdate } from '../views/liveSeries';
import { modelView } from '../views/modelView';
import { runView } from '../views/runView';
import { seriesData } from '../views/seriesData';
import { tableRows } from '../views/tableRows';
import type { IndexState, Job } from './indexState';
import { teamJobs, teamMethods } from './teamMethods';

/** A run filter whose query is still text: compiled where the index is, so errors come back typed. */
export interface FilterText extends Omit<RunFilter, 'where'> {
  query?: string;
}

function withQuery<T extends FilterText>(f: T): Omit<T, 'query'> & { where?: ReturnType<typeof compileQuery> } {
  const { query, ...rest } = f;
  return query?.trim() ? { ...rest, where: compileQuery(query) } : rest;
}

export function indexMethods(state: IndexState) {
  const store = () => state.store();
  const edit = (id: string, apply: (s: Store) => void) => {
    apply(store());
    state.changed([id]);
  };
  return {
    // Runs
    listRuns: (opts: ListRunsOptions & FilterText = {}) => listRuns(store(), withQuery(opts)),
    countRuns: (filter: FilterText = {}) => countRuns(store(), withQuery(filter)),
    experiments: () => experiments(store()),
    getRun: (id: string) => getRun(store(), id),
    resolveRun: (ref: string) => resolveRun(store(), ref),
    runName: (id: string) => {
      const run = getRun(store(), id);
      return run ? (run.name ?? run.id) : undefined;
    },

    // Run Explorer
    explorerGroups: (filter: ExplorerFilter) => explorerGroups(store(), filter),
    explorerRuns: (experiment: string, filter: ExplorerFilter, offset: number, limit: number, primary: PrimaryChoice) =>
      explorerRuns(store(), experiment, filter, offset, limit, primary),
    explorerRun: (id: string, filter: ExplorerFilter, primary: PrimaryChoice) => explorerRun(store(), id, filter, primary),
    explorerChildren: (parent: string, primary: PrimaryChoice) => explorerChildren(store(), parent, primary),
    runDetails: (id: string) => runDetails(store(), id),

    // Panels
    runView: (id: string, blobBase: string) => runView(store(), id, blobBase),
    series: (requests: SeriesRequest[]) => requests.map((r) => seriesData(store(), r)),
    liveUpdate: (runId: string, sent: SentSeries[]) => liveUpdate(store(), runId, sent),
    tableRows: (ids?: string[], limit?: number) => tableRows(store(), ids, limit),
    /** The Runs Table's filter: ids matching the query, by the one evaluation the CLI and explorer use. */
    matchingRunIds: (query: string) => runIds(store(), { where: compileQuery(query) }),

    // Team index: connect, the Team Runs view, push (panels' requests about "team:<id>" runs are routed in indexWorker.ts)
    ...teamMethods(state),

    // Models
    listModels: () => (state.syncModels(), listModels(store())),
    listVersions: (name: string) => listVersions(store(), name),
    versionReport: (name: string, version: number, settings: DegradationSettings) => versionReport(store(), name, version, settings),
    /** The Model panel's message for one version. */
    modelView: (name: string, version: number, settings: DegradationSettings) => modelView(store(), name, version, settings),
    resolveModelRef: (ref: string) => resolveModelRef(store(), ref),
    evaluatedBy: (runId: string) => evaluatedBy(store(), runId),
    /** Gate verdicts on a version (judged, or held to), or on the model; newest first. */
    gateHistory: (name: string, version?: number) => gateHistory(store(), name, version),
    /** The newest verdict on each version of a model. */
    latestGates: (name: string) => [...latestGates(store(), name).values()],
    registerCandidates: (runId: string) => registerCandidates(store(), runId),
    registerVersion: (o: RegisterOptions) => {
      const version = registerVersion(store(), o);
      state.syncModels(store(), true);
      return version;
    },
    /** After the editor wrote registry files itself. */
    syncModels: () => state.syncModels(store(), true),

    // Edits: logged in the run's folder, then read in
    renameRun: (id: string, name: string) => edit(id, (s) => renameRun(s, id, name)),
    tagRun: (id: string, add: string[], remove: string[]) => edit(id, (s) => tagRun(s, id, add, remove)),
    setNote: (id: string, text: string) => edit(id, (s) => setNote(s, id, text)),
    deleteRun: (id: string) => edit(id, (s) => deleteRun(s, id)),
    restoreRun: (id: string) => edit(id, (s) => restoreRun(s, id)),

    // Reading new events
    ingestRun: (id: string) => state.ingestRun(id),

    // Exports that are quick enough to answer at once
    exportRuns: (format: ExportFormat, file: string, filter: FilterText = {}) => {
      writeFileSync(file, exportRuns(store(), format, withQuery(filter)));
    },
    exportMetricsCsv: (id: string, file: string) => exportMetricsCsv(store(), id, file),

    /** Runs the index has as running that no one follows: crashed ones marked, live ones returned to follow. */
    recoverRuns: (followed: string[]) => {
      const running = listRuns(store(), { status: 'running', limit: 10_000 });
      const result = recoverRuns(state.root, { runIds: running.filter((r) => !followed.includes(r.id)).map((r) => r.id) });
      for (const r of result.crashed) state.ingestRun(r.id);
      const names = new Map(running.map((r) => [r.id, r.name ?? r.id]));
      return result.alive.map((a) => ({ ...a, name: names.get(a.id) ?? a.id }));
    },
  };
}

/** Long work: answered when done, with progress on the way and a signal to stop it. */
export function indexJobs(state: IndexState) {
  return {
    ingestAll: (job: Job) => state.ingestAll(job),
    rebuild: (job: Job) => state.rebuild(job),
    importPaths: async (job: Job, paths: string[]) => {
      const report = await importPaths(state.root, paths, {
        signal: job.signal,
        onProgress: (p) => job.progress?.({ message: `${basename(p.path)}: ${p.runs} run(s), ${p.points.toLocaleString()} points` }),
      });
      await state.ingestAll();
      return report;
    },
    exportRunArchive: (job: Job, ids: string[], file: string) =>
      exportRunArchive(state.root, ids, file, { signal: job.signal, onProgress: (p) => job.progress?.({ done: p.bytes, total: p.totalBytes }) }),
    ...teamJobs(state),
  };
}

export type IndexMethods = ReturnType<typeof indexMethods>;
export type IndexJobs = ReturnType<typeof indexJobs>;
