import * as vscode from 'vscode';
import type { AttachedRun } from '../core/runner/reattachRun';
import { startRun, type RunExit, type RunHandle, type StartRunOptions } from '../core/runner/startRun';
import { settings } from './config';
import { RunTerminal } from './runTerminal';

export interface ActiveRun {
  handle: RunHandle;
  name: string;
  terminal: RunTerminal;
}

/** A run still alive from an earlier window: no output pipe, but it can be stopped. */
interface AttachedEntry {
  attached: AttachedRun;
  name: string;
}

/**
 * Runs started in this window: one terminal each, named after the run (a rerun takes over the
 * terminal of the finished run it repeats), their stop, and who to tell when they change.
 */
export class RunManager implements vscode.Disposable {
  private readonly active = new Map<string, ActiveRun>();
  /** Terminals of runs that ended, still open, by run id. */
  private readonly finished = new Map<string, RunTerminal>();
  private readonly attached = new Map<string, AttachedEntry>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a run id when a run starts or ends. */
  readonly onDidChange = this.changed.event;

  /** Starts a run; `rerunOf`: the run it repeats, whose terminal it takes over when that is still open. */
  async start(opts: StartRunOptions, rerunOf?: string): Promise<ActiveRun> {
    const earlier = rerunOf ? this.finished.get(rerunOf) : undefined;
    const reused = earlier && !earlier.isClosed ? earlier : undefined;
    const terminal = reused ?? new RunTerminal();
    let handle: RunHandle;
    try {
      handle = await startRun({ ...opts, onOutput: (text) => terminal.write(text) });
    } catch (err) {
      if (!reused) terminal.dispose();
      throw err;
    }
    if (rerunOf) this.finished.delete(rerunOf);
    if (reused) terminal.write(`\n\x1b[2m── ${handle.name} ──\x1b[0m\n`);
    const run: ActiveRun = { handle, name: handle.name, terminal };
    this.active.set(handle.id, run);
    terminal.show(`Run: ${handle.name}`);
    this.changed.fire(handle.id);
    void handle.onExit.then(
      (exit) => this.ended(run, exit),
      () => this.ended(run, undefined),
    );
    return run;
  }

  attach(attached: AttachedRun, name: string): void {
    this.attached.set(attached.id, { attached, name });
    this.changed.fire(attached.id);
    const done = (): void => {
      this.attached.delete(attached.id);
      this.changed.fire(attached.id);
    };
    void attached.onExit.then(done, done);
  }

  get(id: string): ActiveRun | undefined {
    return this.active.get(id);
  }

  isActive(id: string): boolean {
    return this.active.has(id) || this.attached.has(id);
  }

  activeIds(): string[] {
    return [...this.active.keys(), ...this.attached.keys()];
  }

  names(): string[] {
    return [...this.active.values(), ...this.attached.values()].map((r) => r.name);
  }

  /** Stops a run of this window (or one re-attached); false when it is not ours to stop. */
  async stop(id: string): Promise<boolean> {
    const run = this.active.get(id);
    if (run) await run.handle.stop();
    else if (this.attached.has(id)) await this.attached.get(id)!.attached.stop();
    else return false;
    return true;
  }

  private ended(run: ActiveRun, exit: RunExit | undefined): void {
    this.active.delete(run.handle.id);
    const how = exit ? `${exit.status}${exit.exitCode != null ? ` (exit code ${exit.exitCode})` : exit.signal ? ` (${exit.signal})` : ''}` : 'ended';
    run.terminal.end(`Trackside: run ${run.handle.id} ${how}.`);
    this.changed.fire(run.handle.id);
    if (exit?.status === 'failed') {
      // A failed run's output stays in sight, whatever closeOnFinish says.
      this.finished.set(run.handle.id, run.terminal);
      void vscode.window.showErrorMessage(`Trackside: run "${run.name}" failed${exit.exitCode != null ? ` with exit code ${exit.exitCode}` : ''}.`, 'Show Output').then((pick) => {
        if (pick && !run.terminal.isClosed) run.terminal.terminal?.show();
      });
    } else if (settings().terminalCloseOnFinish) {
      run.terminal.close();
    } else {
      this.finished.set(run.handle.id, run.terminal);
    }
  }

  dispose(): void {
    // Runs keep going if the window closes; the next window re-attaches or marks them crashed.
    for (const run of this.active.values()) run.terminal.dispose();
    for (const t of this.finished.values()) t.dispose();
    this.changed.dispose();
  }
}
