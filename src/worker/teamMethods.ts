// The index worker's requests about the team index: connect, the Team Runs view's groups
// and runs, push; and the panels' requests (runView, series, liveUpdate, getRun) for ids
// with the "team:" prefix, answered from PostgreSQL while local ids stay with SQLite.
import type { RunDetail } from '../core/runQueries';
import { fromTeamId, isTeamId, toTeamId } from '../core/team/teamId';
import { listTeamModels, listTeamVersions } from '../core/team/teamModels';
import { getTeamRun, listTeamRuns, teamGroups, teamPrimaryMetrics, teamRids } from '../core/team/teamRuns';
import type { SeriesData, SeriesRequest } from '../protocol/series';
import type { SentSeries } from '../views/liveSeries';
import { NO_EXPERIMENT, type PrimaryChoice, type RunListItem } from '../protocol/explorer';
import type { IndexState, Job } from './indexState';
import { type TeamSettings, teamOf } from './teamState';
import { teamMatchingRunIds, teamTableRows } from './teamTable';
import { teamLiveUpdate, teamRunView, teamSeriesData } from './teamViews';

/** A team run as the Team Runs view lists it: a Run Explorer row ("team:<run id>") and who pushed it. */
export interface TeamRunItem extends RunListItem {
  /** Who pushed it: OS user and host. */
  pushedBy: string;
  pushedHost: string;
}

export function teamMethods(state: IndexState) {
  const team = teamOf(state);
  return {
    /** Connects to the team index (or disconnects with no url); the password never leaves this thread. */
    teamConfigure: (settings: TeamSettings | undefined) => team.configure(settings),
    teamStatus: () => team.teamStatus,
    /** Experiments and the people who pushed runs to them, with counts (of the runs a query matches). */
    teamGroups: (query?: string) => teamGroups(team.db(), { query }),
    /** The team's models and a model's versions, for the Models view (read only). */
    teamModels: () => listTeamModels(team.db()),
    teamModelVersions: (name: string) => listTeamVersions(team.db(), name),
    /** The Runs Table over the team index (ids "team:<id>"), and its filter. */
    teamTableRows: (ids?: string[], limit?: number) => teamTableRows(team.db(), ids, limit),
    teamMatchingRunIds: (query: string) => teamMatchingRunIds(team.db(), query),
    /** One page of a person's runs in an experiment, each with its primary metric chosen as the Run Explorer chooses. */
    teamRuns: async (experiment: string | null, person: string, offset: number, limit: number, choice: PrimaryChoice, query?: string): Promise<TeamRunItem[]> => {
      const db = team.db();
      const runs = await listTeamRuns(db, { experiment, pushedBy: person, offset, limit, query });
      const rids = await teamRids(db, runs.map((r) => r.id));
      const preferred = new Map(runs.filter((r) => rids.has(r.id)).map((r) => [rids.get(r.id)!, choice.pinned[r.experiment ?? NO_EXPERIMENT] || choice.fallback]));
      const primary = await teamPrimaryMetrics(db, preferred);
      return runs.map((r) => {
        const p = primary.get(rids.get(r.id)!);
        return {
          id: toTeamId(r.id),
          name: r.name ?? r.id,
          experiment: r.experiment ?? '',
          status: r.status,
          started: r.started ?? 0,
          ended: r.ended,
          tags: r.tags,
          primary: p ? { key: p.key, value: p.value } : undefined,
          rerunnable: false,
          children: 0,
          pushedBy: r.pushedBy,
          pushedHost: r.pushedHost,
        };
      });
    },
  };
}

/** Pushing is a job: progress by runs, and cancel (what was sent stays; the next push sends the rest). */
export function teamJobs(state: IndexState) {
  return {
    /** Pushes runs of the workspace (all when none are named) to the team index. */
    teamPush: (job: Job, ids?: string[]) => teamOf(state).push(ids?.filter((id) => !isTeamId(id)), job),
  };
}

/**
 * The panels' requests about team runs ("team:<id>": runView, series, liveUpdate, getRun),
 * answered from the team index; undefined for every other request (local ids stay with the
 * SQLite index). A series request naming local and team runs gets both.
 */
export function teamRequest(state: IndexState, method: string, args: unknown[], local: (r: SeriesRequest) => SeriesData): Promise<unknown> | undefined {
  const team = teamOf(state);
  switch (method) {
    case 'runView':
      return isTeamId(args[0] as string) ? teamRunView(team.db(), args[0] as string) : undefined;
    case 'liveUpdate':
      return isTeamId(args[0] as string) ? teamLiveUpdate(team.db(), args[0] as string, args[1] as SentSeries[]) : undefined;
    case 'renameRun':
    case 'tagRun':
    case 'setNote':
    case 'deleteRun':
    case 'restoreRun':
      if (isTeamId(args[0] as string)) return Promise.reject(new Error('a team run is edited where it was made: edit it there and push it again'));
      return undefined;
    case 'getRun': {
      const id = args[0] as string;
      return isTeamId(id) ? getTeamRun(team.db(), fromTeamId(id)).then((d): RunDetail | undefined => d && { ...d, id }) : undefined;
    }
    case 'series': {
      const requests = args[0] as SeriesRequest[];
      if (!requests.some((r) => isTeamId(r.runId))) return undefined;
      return Promise.all(requests.map((r) => (isTeamId(r.runId) ? teamSeriesData(team.db(), r) : local(r))));
    }
  }
  return undefined;
}
