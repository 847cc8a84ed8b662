// Runs a sweep's queue: at most `concurrency` trials at once, each started through the
// launcher (the editor's or the CLI's own way of starting a run), followed through its run
// folder until it ends, its metric reported to Optuna's median pruner when the sweep prunes,
// and its result told to the study. The state file is re-read when another process changed
// it (a pause or cancel from a terminal), and a scheduler started again after a window
// reload picks the running trials up from their run folders.
import { runDir } from '../paths';
import { appendEvent } from '../runner/eventLog';
import { OptunaMissingError, OptunaStudy } from './optunaStudy';
import { isActive, mayOwn, parseSweep, readSweep, readSweepText, sweepDir, sweepText, thisProcess, updateSweep, type SweepState, type Trial } from './sweepState';
import { TrialWatch } from './trialWatch';

export interface StartedTrial {
  runId: string;
  dir: string;
  /** Settles when the run's process has ended, when this process follows it. */
  ended?: Promise<unknown>;
}

export interface TrialLauncher {
  start(trial: Trial, sweep: SweepState): Promise<StartedTrial>;
  /** Stops a trial's run (started here or before a reload) and resolves once it has ended. */
  stop(runId: string, dir: string): Promise<void>;
  /** Follows a trial's run started by an earlier scheduler; settles when it has ended. */
  adopt?(runId: string, dir: string): Promise<unknown>;
  /** The Python interpreter for the Optuna process. */
  python(sweep: SweepState): Promise<string>;
}

export interface SchedulerOptions {
  root: string;
  id: string;
  launcher: TrialLauncher;
  /** Folder of the bundled Python packages (trackside_sweep). */
  clientPath: string;
  /** Upper bound on any sweep's concurrency (the setting trackside.queue.concurrency). */
  concurrencyCap?: () => number;
  /** The run queue stays open for more runs: empty, it waits rather than finishing (the editor's). */
  keepOpen?: boolean;
  /** How often run folders and the state file are looked at; default 250 ms. */
  pollMs?: number;
  onChange?: (state: SweepState) => void;
  log?: (message: string) => void;
}

export class NotOwnerError extends Error {
  override readonly name = 'NotOwnerError';
}

interface Followed {
  watch: TrialWatch;
  runId: string;
  dir: string;
  /** The pruner said stop: the run is being stopped and ends `pruned`. */
  pruning?: string;
  stopping?: boolean;
  /** False while a process this scheduler follows has not exited (its last status is still to come). */
  exited: boolean;
}

export class SweepScheduler {
  private state!: SweepState;
  private readonly dir: string;
  private readonly followed = new Map<number, Followed>();
  private study: Promise<OptunaStudy | undefined> | undefined;
  private serial: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** The state file's text as this scheduler last wrote or read it. */
  private seen = '';
  private disposed = false;
  private doneResolve!: () => void;
  /** Settles when the sweep is finished or cancelled and no trial runs any more. */
  readonly done = new Promise<void>((r) => (this.doneResolve = r));

  constructor(private readonly opts: SchedulerOptions) {
    this.dir = sweepDir(opts.root, opts.id);
  }

  get current(): SweepState {
    return this.state;
  }

  /** Takes the sweep over (throws NotOwnerError while another live process schedules it) and starts. */
  start(): void {
    const s = readSweep(this.opts.root, this.opts.id);
    if (!s) throw new Error(`There is no sweep ${this.opts.id}.`);
    if (!mayOwn(s)) throw new NotOwnerError(`Sweep "${s.name}" is scheduled by process ${s.owner!.pid}${s.owner!.host ? ` on ${s.owner!.host}` : ''}.`);
    this.update((st) => {
      st.owner = thisProcess();
      // Claimed but never started (the process scheduling it went away): queue it again.
      for (const t of st.trials) if (t.status === 'starting' && !t.runId) t.status = 'queued';
    });
    for (const t of this.state.trials) {
      if (!isActive(t.status) || !t.runId) continue;
      const dir = runDir(this.opts.root, t.runId);
      this.follow(t.key, { runId: t.runId, dir, ended: this.opts.launcher.adopt?.(t.runId, dir) });
    }
    this.timer = setInterval(() => this.enqueue(() => this.tick()), this.opts.pollMs ?? 250);
    this.enqueue(() => this.tick());
  }

  /** Runs `fn` after everything queued before it: one change to the sweep at a time. */
  private enqueue(fn: () => Promise<void> | void): Promise<void> {
    const next = this.serial.then(fn).catch((err) => this.opts.log?.(`sweep ${this.opts.id}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    this.serial = next;
    return next;
  }

  private update(change: (s: SweepState) => void): SweepState {
    this.state = updateSweep(this.opts.root, this.opts.id, change);
    this.seen = sweepText(this.state);
    this.opts.onChange?.(this.state);
    return this.state;
  }

  private trial(key: number): Trial | undefined {
    return this.state.trials.find((t) => t.key === key);
  }

  private async tick(): Promise<void> {
    if (this.disposed) return;
    const text = readSweepText(this.opts.root, this.opts.id);
    if (text === undefined) return this.dispose();
    if (text !== this.seen) {
      // Another process (the CLI) changed the sweep: pause, resume, cancel, reorder.
      this.state = parseSweep(this.opts.root, this.opts.id, text);
      this.seen = text;
      this.opts.onChange?.(this.state);
    }
    if (this.state.status === 'cancelled') this.stopActive();
    for (const [key, f] of [...this.followed]) await this.check(key, f);
    await this.pump();
  }

  private async check(key: number, f: Followed): Promise<void> {
    const t = this.trial(key);
    if (!t) return;
    const p = f.watch.read();
    const spec = this.state.spec;
    if (spec.earlyTerminate && t.optuna !== undefined && !f.pruning && !p.ended && p.points.length) {
      const study = await this.studyFor();
      for (const pt of p.points) {
        if (!study || !(await study.report(t.optuna, pt.step, pt.value))) continue;
        f.pruning = `Pruned at step ${pt.step}: ${spec.metric!.name} ${pt.value} was behind the median of the trials before it.`;
        void this.opts.launcher.stop(f.runId, f.dir).then(
          () => {
            appendEvent(f.dir, { type: 'status', status: 'pruned', exit_code: null, error: f.pruning });
            void this.enqueue(() => this.tick());
          },
          (err) => this.opts.log?.(`sweep ${this.opts.id}: could not stop trial ${key}: ${String(err)}`),
        );
        break;
      }
      if (p.points.length) this.update((s) => (s.trials.find((x) => x.key === key)!.step = p.points[p.points.length - 1].step));
    }
    if (!p.ended || !f.exited || (f.pruning && p.ended !== 'pruned')) return;
    this.followed.delete(key);
    const status = p.ended;
    this.update((s) => {
      const x = s.trials.find((y) => y.key === key)!;
      x.status = status;
      x.value = p.last ?? null;
      x.ended = Date.now();
      if (f.pruning) x.message = f.pruning;
      else if (p.error && status !== 'finished') x.message = p.error.split('\n').slice(-1)[0];
    });
    if (t.optuna !== undefined) {
      const study = await this.studyFor();
      await study?.tell(t.optuna, status === 'finished' ? 'complete' : status === 'pruned' ? 'pruned' : 'fail', p.last);
    }
  }

  private async pump(): Promise<void> {
    if (this.disposed) return;
    const queue = this.state.kind === 'queue';
    // The run queue's limit is the setting itself; a sweep's is its own, capped by the setting.
    const setting = this.opts.concurrencyCap?.();
    const cap = Math.max(1, queue && setting !== undefined ? setting : Math.min(this.state.spec.concurrency, setting ?? Infinity));
    while (this.state.status === 'running' && this.state.trials.filter((t) => isActive(t.status)).length < cap) {
      const next = this.state.trials.find((t) => t.status === 'queued');
      if (!next) break;
      this.update((s) => (s.trials.find((t) => t.key === next.key)!.status = 'starting'));
      try {
        await this.launch(next.key);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.update((s) => {
          const t = s.trials.find((x) => x.key === next.key)!;
          if (queue) {
            // Each queued run is its own: one that cannot start fails, the next ones go on.
            Object.assign(t, { status: 'failed', message: reason, ended: Date.now() });
            return;
          }
          t.status = 'queued';
          s.status = 'paused';
          s.message = `Paused: trial ${next.key} could not start. ${reason}`;
        });
        if (!queue) return;
      }
    }
    const s = this.state;
    const busy = s.trials.some((t) => isActive(t.status));
    if (busy || (queue && this.opts.keepOpen && s.status !== 'cancelled')) return;
    if (s.status === 'running' && !s.trials.some((t) => t.status === 'queued')) {
      // Read afresh: a run queued from elsewhere a moment ago keeps the queue going.
      this.update((st) => {
        if (!st.trials.some((t) => t.status === 'queued' || isActive(t.status))) st.status = 'finished';
      });
    }
    if (this.state.status === 'finished' || this.state.status === 'cancelled') this.finish();
  }

  private async launch(key: number): Promise<void> {
    const spec = this.state.spec;
    let params = this.trial(key)!.params;
    let optuna: number | undefined;
    const study = spec.method === 'bayes' || spec.earlyTerminate ? await this.studyFor() : undefined;
    if (spec.method === 'bayes') {
      const asked = await study!.ask();
      params = asked.params;
      optuna = asked.number;
    } else if (study) {
      optuna = await study.askFixed(params);
    }
    let started: StartedTrial;
    try {
      started = await this.opts.launcher.start({ ...this.trial(key)!, params }, this.state);
    } catch (err) {
      if (optuna !== undefined) await study!.tell(optuna, 'fail').catch(() => undefined);
      throw err;
    }
    this.update((s) => {
      const t = s.trials.find((x) => x.key === key)!;
      Object.assign(t, { status: 'running', params, runId: started.runId, started: Date.now() }, optuna !== undefined ? { optuna } : {});
    });
    this.follow(key, started);
  }

  private follow(key: number, started: StartedTrial): void {
    const f: Followed = { watch: new TrialWatch(started.dir, this.state.spec.metric?.name), runId: started.runId, dir: started.dir, exited: !started.ended };
    this.followed.set(key, f);
    // A run this process follows is looked at the moment it ends, not at the next poll.
    void started.ended?.finally(() => {
      f.exited = true;
      void this.enqueue(() => this.tick());
    });
  }

  /** The sweep's Optuna study; undefined (with the reason in the sweep's message) when early termination must go without it. */
  private studyFor(): Promise<OptunaStudy | undefined> {
    this.study ??= (async () => {
      const s = this.state;
      try {
        return await OptunaStudy.open({ python: await this.opts.launcher.python(s), clientPath: this.opts.clientPath, dir: this.dir, study: s.id, spec: s.spec });
      } catch (err) {
        this.study = undefined; // a later trial tries again (Optuna installed meanwhile)
        if (s.spec.method === 'bayes') throw err;
        const reason = err instanceof OptunaMissingError ? err.message : `The Optuna process failed: ${(err as Error).message}`;
        this.update((st) => (st.message = `Early termination is off. ${reason}`));
        return undefined;
      }
    })();
    return this.study;
  }

  private stopActive(): void {
    for (const [, f] of this.followed) {
      if (f.stopping) continue;
      f.stopping = true;
      void this.opts.launcher.stop(f.runId, f.dir).catch((err) => this.opts.log?.(`sweep ${this.opts.id}: could not stop ${f.runId}: ${String(err)}`));
    }
  }

  // ── steering: each is one change to the state, then the queue moves on ──

  pause(): Promise<void> {
    return this.enqueue(() => void this.update((s) => s.status === 'running' && (s.status = 'paused')));
  }

  resume(): Promise<void> {
    return this.enqueue(async () => {
      this.update((s) => {
        if (s.status === 'paused' || s.status === 'finished') {
          s.status = 'running';
          delete s.message;
        }
      });
      await this.pump();
    });
  }

  /** Stops the running trials and drops the queued ones. */
  cancel(): Promise<void> {
    return this.enqueue(async () => {
      this.update(cancelState);
      this.stopActive();
      await this.pump();
    });
  }

  /** Any other change to the state (a run added to the queue), then the queue moves on. */
  change(fn: (s: SweepState) => void): Promise<void> {
    return this.enqueue(async () => {
      this.update(fn);
      await this.pump();
    });
  }

  remove(key: number): Promise<void> {
    return this.enqueue(() => void this.update((s) => removeQueued(s, key)));
  }

  moveUp(key: number): Promise<void> {
    return this.enqueue(() => void this.update((s) => moveQueuedUp(s, key)));
  }

  private finish(): void {
    void this.study?.then((s) => s?.close(), () => undefined);
    this.study = undefined;
    this.stopTimer();
    this.doneResolve();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops scheduling (the window closes): running trials go on, and the next owner follows them. */
  dispose(): void {
    this.disposed = true;
    this.stopTimer();
    void this.study?.then((s) => s?.close(), () => undefined);
  }
}

export function cancelState(s: SweepState): void {
  if (s.status === 'finished') return;
  s.status = 'cancelled';
  s.trials = s.trials.filter((t) => t.status !== 'queued');
}

export function removeQueued(s: SweepState, key: number): void {
  const t = s.trials.find((x) => x.key === key);
  if (!t || t.status !== 'queued') throw new Error(`Trial ${key} is not queued any more.`);
  s.trials = s.trials.filter((x) => x !== t);
}

/** Swaps a queued trial with the queued trial before it. */
export function moveQueuedUp(s: SweepState, key: number): void {
  const i = s.trials.findIndex((x) => x.key === key);
  if (i < 0 || s.trials[i].status !== 'queued') throw new Error(`Trial ${key} is not queued any more.`);
  for (let j = i - 1; j >= 0; j--) {
    if (s.trials[j].status === 'queued') {
      [s.trials[j], s.trials[i]] = [s.trials[i], s.trials[j]];
      return;
    }
  }
}
