import type * as vscode from 'vscode';
import type { RunFilter as ExplorerFilter } from '../core/display';
import { primaryMetric } from '../core/metricQueries';
import { compileQuery } from '../core/query/compile';
import { countRuns, experiments, getRun, listRuns, type RunFilter, type RunInfo } from '../core/runQueries';
import type { RunStatus } from '../core/events';
import type { Store } from '../core/store';
import { settings } from './config';
import type { RunDetails, RunListItem, RunsSource } from './runsSource';

const NO_EXPERIMENT = '(no experiment)';

/** The Run Explorer's reads, over the SQLite index. */
export class IndexRunsSource implements RunsSource {
  private readonly primaryKey: string;

  constructor(
    private readonly store: Store,
    scope: vscode.Uri | undefined,
  ) {
    this.primaryKey = settings(scope).primaryMetric;
  }

  experiments(filter: ExplorerFilter): { name: string; count: number }[] {
    const all = experiments(this.store);
    const unfiltered = !filter.query && !filter.text && filter.tags.length === 0 && filter.statuses.length === 0;
    return all.map((e) => ({
      name: e.name ?? NO_EXPERIMENT,
      count: unfiltered ? e.runs : countRuns(this.store, toCore(filter, e.name)),
    }));
  }

  runs(experiment: string, filter: ExplorerFilter, offset: number, limit: number): RunListItem[] {
    const exp = experiment === NO_EXPERIMENT ? null : experiment;
    return listRuns(this.store, { ...toCore(filter, exp), offset, limit }).map((r) => this.item(r));
  }

  run(id: string, filter: ExplorerFilter): RunListItem | undefined {
    // With a filter on, the caller re-lists the group instead (cheap, and always right).
    if (filter.query || filter.text || filter.tags.length || filter.statuses.length) return undefined;
    const d = getRun(this.store, id);
    return d && !d.deleted ? this.item(d) : undefined;
  }

  details(id: string): RunDetails | undefined {
    const d = getRun(this.store, id);
    if (!d) return undefined;
    return {
      params: d.params,
      command: Array.isArray(d.command) ? d.command.join(' ') : (d.command ?? undefined),
      git: d.git ? { commit: d.git.commit ?? undefined, branch: d.git.branch ?? undefined, dirty: d.git.dirty ?? undefined } : undefined,
      note: d.note ?? undefined,
      error: d.error ?? undefined,
      exitCode: d.exitCode,
    };
  }

  private item(r: RunInfo): RunListItem {
    const p = primaryMetric(this.store, r.id, this.primaryKey || undefined);
    return {
      id: r.id,
      name: r.name ?? r.id,
      experiment: r.experiment ?? NO_EXPERIMENT,
      status: r.status,
      started: r.started ?? 0,
      ended: r.ended,
      tags: r.tags,
      primary: p ? { key: p.key, value: p.last } : undefined,
      rerunnable: r.source === 'editor',
    };
  }
}

function toCore(f: ExplorerFilter, experiment: string | null): RunFilter {
  // Compiled on each listing, so relative times (started > -1d) move with the clock.
  if (f.query) return { experiment, where: compileQuery(f.query) };
  return {
    experiment,
    ...(f.statuses.length ? { status: f.statuses as RunStatus[] } : {}),
    ...(f.text ? { text: f.text } : {}),
    ...(f.tags.length ? { tag: f.tags[0] } : {}),
  };
}
