// The team index as the index worker holds it: one connection pool once the editor has
// configured it (the password, when it comes from secret storage, stays in this thread's
// memory), a poll that tells the editor which team runs changed (as "team:<id>" ingest
// notices, so open panels refresh), and auto push of the workspace's running and just
// ended runs. Pushing happens here, never on the extension host's thread.
import { statSync } from 'node:fs';
import { eventsPath, runDir } from '../core/paths';
import { listRuns } from '../core/runQueries';
import type { TeamConfig } from '../core/team/teamConfig';
import { type TeamDb, openTeam } from '../core/team/teamDb';
import { TeamError } from '../core/team/teamErrors';
import { toTeamId } from '../core/team/teamId';
import { type PushReport, pushRuns } from '../core/team/teamPush';
import type { IndexState, Job } from './indexState';

export interface TeamSettings {
  url: string;
  blobs?: string;
  password?: string;
  autoPush?: boolean;
}

/** How the team index is, for the editor. */
export interface TeamStatus {
  state: 'off' | 'connected' | 'failed';
  /** user@host:port/database */
  target?: string;
  access?: 'write' | 'read';
  /** Why it failed, plainly; and what kind of failure (TeamError kinds). */
  error?: string;
  kind?: string;
  /** The last auto push's problem, if the last one failed. */
  pushError?: string;
}

const POLL_MS = 2000;
const PUSH_MS = 5000;
/** A run that stopped running is pushed once more after this long (its last lines). */
const ENDED_GRACE_MS = 60_000;

export class TeamState {
  private current: TeamDb | undefined;
  private status: TeamStatus = { state: 'off' };
  private settings: TeamSettings | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private pushTimer: ReturnType<typeof setInterval> | undefined;
  /** The change counter as of the last poll: runs changed after it are told. */
  private lastChange = 0;
  private polling = false;
  private pushing: Promise<PushReport | undefined> | undefined;
  /** Size of each auto-pushed run's log when last pushed; runs seen running and when. */
  private readonly pushedSize = new Map<string, number>();
  private readonly seenRunning = new Map<string, number>();

  constructor(private readonly index: IndexState) {}

  /** Connects (or disconnects, with no url) and says how it went. */
  async configure(settings: TeamSettings | undefined): Promise<TeamStatus> {
    this.stop();
    await this.current?.close();
    this.current = undefined;
    this.settings = settings;
    if (!settings?.url) {
      this.status = { state: 'off' };
      return this.status;
    }
    const config: TeamConfig = { url: settings.url, blobs: settings.blobs || undefined, password: settings.password || undefined };
    try {
      const db = openTeam(config);
      this.current = db;
      await db.ready();
      const access = (await db.query<{ w: boolean }>("SELECT has_table_privilege('trackside.runs', 'INSERT') AS w"))[0].w ? 'write' : 'read';
      this.status = { state: 'connected', target: db.target.text, access };
      this.lastChange = (await db.query<{ c: number | null }>('SELECT max(change) AS c FROM trackside.runs'))[0].c ?? 0;
      this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
      if (settings.autoPush) this.pushTimer = setInterval(() => void this.autoPush(), PUSH_MS);
    } catch (e) {
      this.status = { state: 'failed', error: e instanceof Error ? e.message : String(e), kind: e instanceof TeamError ? e.kind : undefined };
    }
    return this.status;
  }

  get teamStatus(): TeamStatus {
    return this.status;
  }

  /** The connected team index; a TeamError when there is none. */
  db(): TeamDb {
    if (!this.current || this.status.state !== 'connected') {
      throw new TeamError('config', this.status.error ?? 'not connected to a team index: set trackside.team.url and run "Trackside: Connect to Team Index…"');
    }
    return this.current;
  }

  /** Team runs changed since the last look are told as "team:<id>" notices. */
  private async poll(): Promise<void> {
    if (this.polling || !this.current) return;
    this.polling = true;
    try {
      const db = this.current;
      const now = (await db.query<{ c: number | null }>('SELECT max(change) AS c FROM trackside.runs'))[0].c ?? 0;
      if (now > this.lastChange) {
        const ids = await db.query<{ id: string }>('SELECT id FROM trackside.runs WHERE change > $1', [this.lastChange]);
        if (ids.length) this.index.changed(ids.map((r) => toTeamId(r.id)));
      }
      this.lastChange = now;
    } catch {
      // offline for now: the next poll tries again
    } finally {
      this.polling = false;
    }
  }

  /** Pushes these runs (all of the workspace when none), one push at a time. */
  async push(ids?: string[], job: Job = {}): Promise<PushReport> {
    while (this.pushing) await this.pushing.catch(() => undefined);
    const run = pushRuns(this.db(), {
      store: this.index.store(),
      ids,
      signal: job.signal,
      onProgress: job.progress && ((p) => job.progress?.({ done: p.done, total: p.total, message: `${p.done} of ${p.total} run(s)` })),
    });
    this.pushing = run;
    try {
      return await run;
    } finally {
      this.pushing = undefined;
    }
  }

  /** Running runs, and runs that ended a moment ago, whose logs grew since their last push. */
  private async autoPush(): Promise<void> {
    if (this.pushing || !this.current || this.status.state !== 'connected') return;
    try {
      const store = this.index.store();
      const now = Date.now();
      for (const r of listRuns(store, { status: 'running', limit: 10_000 })) this.seenRunning.set(r.id, now);
      const due = new Map<string, number>();
      for (const [id, seen] of this.seenRunning) {
        if (now - seen > ENDED_GRACE_MS) this.seenRunning.delete(id);
        let size = 0;
        try {
          size = statSync(eventsPath(runDir(store.root, id))).size;
        } catch {
          continue;
        }
        if (this.pushedSize.get(id) !== size) due.set(id, size);
      }
      if (!due.size) return;
      const report = await this.push([...due.keys()]);
      // The sizes seen before pushing: lines added meanwhile make the next round push again.
      for (const [id, size] of due) this.pushedSize.set(id, size);
      this.setPushError(report.skipped[0]?.reason);
    } catch (e) {
      // Offline or refused: the runs stay local and the next round tries again.
      this.setPushError(e instanceof Error ? e.message : String(e));
    }
  }

  /** The last auto push's problem, told in the log once each time it changes. */
  private setPushError(error: string | undefined): void {
    if (error !== this.status.pushError) this.index.log(error ? `team index: auto push failed: ${error}` : 'team index: auto push works again');
    this.status = { ...this.status, pushError: error };
  }

  private stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.pushTimer) clearInterval(this.pushTimer);
    this.pollTimer = this.pushTimer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await this.current?.close();
    this.current = undefined;
  }
}

const states = new WeakMap<IndexState, TeamState>();

/** The team side of an index worker (one per IndexState). */
export function teamOf(index: IndexState): TeamState {
  let t = states.get(index);
  if (!t) states.set(index, (t = new TeamState(index)));
  return t;
}
