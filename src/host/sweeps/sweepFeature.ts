// Sweeps in the editor: "Start Sweep" on a sweep file, the queue scheduled in this window
// (its trials started through the same launch as "Start Tracked Run with Parameters…"),
// Pause / Resume / Cancel / Remove / Move Up, and sweeps left by a window that closed taken
// over again at activation. "Queue Tracked Run" puts single runs in the run queue, which the
// same scheduler runs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { directStop } from '../../core/sweeps/directLauncher';
import { newSweepFromFile } from '../../core/sweeps/newSweep';
import { appendToQueue, createRunQueue, findRunQueue, queueEntry } from '../../core/sweeps/runQueue';
import { NotOwnerError, SweepScheduler, cancelState, moveQueuedUp, removeQueued, type TrialLauncher } from '../../core/sweeps/sweepScheduler';
import { SweepFileError, isSweepFileName } from '../../core/sweeps/sweepSpec';
import { listSweeps, mayOwn, readSweep, updateSweep, type SweepState, type Trial } from '../../core/sweeps/sweepState';
import { trialRunOptions } from '../../core/sweeps/directLauncher';
import { Commands } from '../commandIds';
import type { Handler } from '../commandRegistry';
import { settings } from '../config';
import type { IndexService } from '../indexService';
import { interpreterFor } from '../interpreter';
import type { RunManager } from '../runManager';
import { chooseRun, configTarget, launch, notebookTarget, requireTrust, type StartContext, type StartTarget } from '../startRunCommand';
import { trialLabel } from './sweepItems';

export interface SweepHost {
  index: IndexService;
  runs: RunManager;
  log: vscode.OutputChannel;
  start: StartContext;
  clientPath: string;
  openSweep(id: string): Promise<void>;
  /** The Run Explorer's selection: where a menu's command finds its trial when no argument names one. */
  selection(): readonly unknown[];
}

type SweepCommand =
  | typeof Commands.queueRun
  | typeof Commands.queueRunWithParams
  | typeof Commands.startSweep
  | typeof Commands.openSweep
  | typeof Commands.pauseSweep
  | typeof Commands.resumeSweep
  | typeof Commands.cancelSweep
  | typeof Commands.removeQueuedTrial
  | typeof Commands.moveQueuedTrialUp;

/** A sweep or one of its trials, as the Run Explorer passes them to commands. */
export type SweepArg = { kind: 'sweep'; sweep: SweepState } | { kind: 'trial'; sweep: SweepState; trial: Trial };

export class SweepFeature implements vscode.Disposable {
  private readonly schedulers = new Map<string, SweepScheduler>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** A sweep's state changed (its id), or sweeps came or went (undefined). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly host: SweepHost) {
    // The CLI (or another window) changes sweeps too: the explorer and panels follow the files.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(host.index.root), 'sweeps/*/sweep.json'));
    const fire = (uri: vscode.Uri) => this.changed.fire(path.basename(path.dirname(uri.fsPath)));
    this.disposables.push(watcher, watcher.onDidChange(fire), watcher.onDidCreate(() => this.changed.fire(undefined)), watcher.onDidDelete(() => this.changed.fire(undefined)));
  }

  get root(): string {
    return this.host.index.root;
  }

  list(): SweepState[] {
    return listSweeps(this.root, (id, err) => this.host.log.appendLine(`sweep ${id}: ${String(err)}`));
  }

  get(id: string): SweepState | undefined {
    return this.schedulers.get(id)?.current ?? readSweep(this.root, id);
  }

  /** Sweeps a closed window was scheduling (running or paused, no live owner) go on here. */
  resumeLeftOver(): void {
    if (!vscode.workspace.isTrusted) return;
    for (const s of this.list()) {
      if ((s.status === 'running' || s.status === 'paused') && mayOwn(s) && !this.schedulers.has(s.id)) this.schedule(s.id);
    }
  }

  handlers(): Record<SweepCommand, Handler> {
    return {
      [Commands.queueRun]: (arg) => this.queueTrackedRun(arg, false),
      [Commands.queueRunWithParams]: (arg) => this.queueTrackedRun(arg, true),
      [Commands.startSweep]: (arg) => this.startSweep(arg),
      [Commands.openSweep]: async (arg) => {
        const id = (arg as SweepArg | undefined)?.sweep?.id ?? (typeof arg === 'string' ? arg : (await this.pickSweep('Open Sweep', (s) => s.kind !== 'queue'))?.id);
        if (id) await this.host.openSweep(id);
      },
      [Commands.pauseSweep]: (arg) => this.steer(arg, 'Pause Sweep', (s) => s.status === 'running', (sch) => sch.pause(), (s) => s.status === 'running' && (s.status = 'paused')),
      [Commands.resumeSweep]: (arg) =>
        this.steer(arg, 'Resume Sweep', (s) => s.status === 'paused', (sch) => sch.resume(), (s) => {
          s.status = 'running';
          delete s.message;
        }),
      [Commands.cancelSweep]: (arg) => this.steer(arg, 'Cancel Sweep', (s) => s.status === 'running' || s.status === 'paused', (sch) => sch.cancel(), cancelState),
      [Commands.removeQueuedTrial]: (arg, many) => this.steerTrial('Remove from Queue', [arg, many], (sch, key) => sch.remove(key), removeQueued),
      [Commands.moveQueuedTrialUp]: (arg, many) => this.steerTrial('Move Up in Queue', [arg, many], (sch, key) => sch.moveUp(key), moveQueuedUp),
    };
  }

  private async startSweep(arg: unknown): Promise<void> {
    requireTrust();
    const uri = arg instanceof vscode.Uri ? arg : await this.pickSweepFile();
    if (!uri) return;
    if (!isSweepFileName(uri.fsPath)) throw new Error(`${path.basename(uri.fsPath)} is not a sweep file (name it *.sweep.yaml or *.sweep.json).`);
    // What the editor shows is what runs.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) await open.save();
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('Open a workspace folder to run a sweep in.');
    let sweep: SweepState;
    try {
      sweep = newSweepFromFile(this.root, uri.fsPath, folder.uri.fsPath);
    } catch (err) {
      if (!(err instanceof SweepFileError)) throw err;
      void this.showFileError(uri, err);
      return;
    }
    this.host.log.appendLine(`sweep ${sweep.id}: ${sweep.name}, ${sweep.spec.method}, ${sweep.trials.length} trials queued`);
    this.changed.fire(undefined);
    this.schedule(sweep.id);
    await this.host.openSweep(sweep.id);
  }

  /** "Queue Tracked Run": what Start Tracked Run would start, put at the end of the run queue. */
  private async queueTrackedRun(arg: unknown, withParams: boolean): Promise<void> {
    requireTrust();
    const notebook = notebookTarget(arg);
    if (notebook) throw new Error(`${path.basename(notebook.fsPath)} is a notebook: notebooks are started with Start Tracked Run, not queued.`);
    const chosen = await chooseRun(this.host.start, arg, withParams, 'Queue Tracked Run');
    if (!chosen) return;
    const { target, params } = chosen;
    const entry = queueEntry({
      program: target.program,
      args: target.args,
      ...(target.cwd ? { cwd: target.cwd } : {}),
      ...(target.env ? { env: target.env } : {}),
      ...(target.interpreter ? { interpreter: target.interpreter } : {}),
      ...(target.experiment ? { experiment: target.experiment } : {}),
      label: target.label,
      ...(params ? { pairs: params } : {}),
    });
    const concurrency = settings().queueConcurrency;
    const existing = findRunQueue(this.root);
    const scheduler = existing && this.schedulers.get(existing.id);
    if (scheduler) await scheduler.change((s) => appendToQueue(s, entry, concurrency));
    else {
      const queue = existing ? updateSweep(this.root, existing.id, (s) => appendToQueue(s, entry, concurrency)) : createRunQueue(this.root, target.folder.uri.fsPath, entry, concurrency);
      this.changed.fire(undefined);
      // Another live window (or the CLI) schedules it: it follows the file.
      if (mayOwn(queue)) this.schedule(queue.id);
    }
    this.host.log.appendLine(`run queue: ${target.label} queued`);
    vscode.window.setStatusBarMessage(`Trackside: ${target.label} queued`, 5000);
  }

  private async showFileError(uri: vscode.Uri, err: SweepFileError): Promise<void> {
    const pick = await vscode.window.showErrorMessage(`Trackside: ${path.basename(uri.fsPath)} line ${err.line}, column ${err.column}: ${err.reason}`, 'Go to Error');
    if (!pick) return;
    const pos = new vscode.Position(err.line - 1, err.column - 1);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
  }

  private schedule(id: string): void {
    const scheduler = new SweepScheduler({
      root: this.root,
      id,
      launcher: this.launcher(),
      clientPath: this.host.clientPath,
      concurrencyCap: () => settings().queueConcurrency,
      keepOpen: true,
      onChange: (s) => this.changed.fire(s.id),
      log: (m) => this.host.log.appendLine(m),
    });
    try {
      scheduler.start();
    } catch (err) {
      if (err instanceof NotOwnerError) return; // another process (the CLI) schedules it; the explorer follows its file
      throw err;
    }
    this.schedulers.set(id, scheduler);
    void scheduler.done.then(() => {
      this.schedulers.delete(id);
      scheduler.dispose();
      const s = readSweep(this.root, id);
      if (s?.status === 'finished' && s.kind !== 'queue') void vscode.window.showInformationMessage(`Trackside: sweep "${s.name}" finished (${s.trials.length} trials).`);
    });
  }

  private launcher(): TrialLauncher {
    // Trials open no panel and steal no focus: the explorer lists them under their sweep.
    const start: StartContext = { ...this.host.start, started: (id) => void this.host.index.ingest(id) };
    return {
      start: async (trial, sweep) => {
        // A queued run gets its parameters as typed; a trial its suggested values.
        const id = await launch(start, this.target(sweep, trial), trial.run ? trial.run.pairs : trial.params);
        const run = id ? this.host.runs.get(id) : undefined;
        if (!id || !run) throw new Error('The run could not be started (see the Python interpreter message).');
        return { runId: id, dir: run.handle.dir, ended: run.handle.onExit };
      },
      stop: async (runId, dir) => {
        if (!(await this.host.runs.stop(runId))) await directStop(runId, dir);
      },
      python: async (sweep) => interpreterFor(vscode.Uri.file(sweep.file)),
    };
  }

  /** The run a trial is: the sweep's program (a file, or a run configuration by name) with the trial's params; a queued run as it was queued. */
  private target(sweep: SweepState, trial: Trial): StartTarget {
    const uri = vscode.Uri.file(trial.run?.program ?? sweep.file);
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('Open a workspace folder to run a sweep in.');
    const run = trial.run;
    if (run) {
      const o = trialRunOptions(sweep, trial);
      return { folder, program: o.program!, args: [...run.args], cwd: o.cwd, env: run.env, interpreter: run.interpreter, experiment: run.experiment, label: run.label };
    }
    const config = settings(folder.uri).runConfigurations.find((c) => c.name === sweep.spec.program);
    const label = `${sweep.name} #${trial.key}`;
    if (config) {
      const base = configTarget(config, folder);
      const o = trialRunOptions({ ...sweep, spec: { ...sweep.spec, program: base.program } }, trial);
      return { ...base, args: [...base.args, ...sweep.spec.args], label, name: o.name, experiment: config.experiment ?? o.experiment, sweep: o.sweep };
    }
    const o = trialRunOptions(sweep, trial);
    return { folder, program: o.program!, args: o.args ? [...o.args] : [], cwd: o.cwd, label, name: o.name, experiment: o.experiment, sweep: o.sweep };
  }

  /** Steers a sweep: through its scheduler when this window has it, else in its file (another process schedules it). */
  private async steer(arg: unknown, title: string, applies: (s: SweepState) => boolean, viaScheduler: (s: SweepScheduler) => Promise<void>, inFile: (s: SweepState) => unknown): Promise<void> {
    const sweep = (arg as SweepArg | undefined)?.sweep ?? (await this.pickSweep(title, applies));
    if (!sweep) return;
    this.host.log.appendLine(`sweep ${sweep.id}: ${title}`);
    const scheduler = this.schedulers.get(sweep.id);
    if (scheduler) await viaScheduler(scheduler);
    else {
      updateSweep(this.root, sweep.id, (s) => void inFile(s));
      // Nobody schedules it (e.g. resumed after the window that ran it closed): this window does.
      if (mayOwn(readSweep(this.root, sweep.id)!)) this.schedule(sweep.id);
    }
    this.changed.fire(sweep.id);
  }

  private async steerTrial(title: string, args: unknown[], viaScheduler: (s: SweepScheduler, key: number) => Promise<void>, inFile: (s: SweepState, key: number) => void): Promise<void> {
    // The clicked node, else the nodes selected with it, else the explorer's selection; from
    // the palette (or a menu whose item was redrawn while open, which passes none), a pick.
    const candidates = [...args.flat(), ...this.host.selection()] as (SweepArg | undefined)[];
    const a = candidates.find((c) => c?.kind === 'trial') ?? (await this.pickQueued(title));
    if (a?.kind !== 'trial') return;
    this.host.log.appendLine(`sweep ${a.sweep.id}: ${title} #${a.trial.key}`);
    const scheduler = this.schedulers.get(a.sweep.id);
    if (scheduler) await viaScheduler(scheduler, a.trial.key);
    else updateSweep(this.root, a.sweep.id, (s) => inFile(s, a.trial.key));
    this.changed.fire(a.sweep.id);
  }

  private async pickSweep(title: string, applies: (s: SweepState) => boolean): Promise<SweepState | undefined> {
    const sweeps = this.list().filter(applies);
    if (sweeps.length === 0) throw new Error('There is no sweep to do that with.');
    if (sweeps.length === 1) return sweeps[0];
    const picked = await vscode.window.showQuickPick(
      sweeps.map((s) => ({ label: s.name, description: `${s.status} · ${s.spec.method} · ${s.id}`, s })),
      { title },
    );
    return picked?.s;
  }

  private async pickQueued(title: string): Promise<SweepArg | undefined> {
    const queued = this.list().flatMap((sweep) => sweep.trials.filter((t) => t.status === 'queued').map((trial) => ({ sweep, trial })));
    if (queued.length === 0) throw new Error('Nothing is queued.');
    const picked = await vscode.window.showQuickPick(
      queued.map((q) => ({ label: trialLabel(q.sweep, q.trial), description: q.sweep.name, q })),
      { title },
    );
    return picked && { kind: 'trial', ...picked.q };
  }

  private async pickSweepFile(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file' && isSweepFileName(active.fsPath)) return active;
    const files = await sweepFiles();
    if (files.length === 0) throw new Error('There is no sweep file (sweep.yaml or *.sweep.yaml) in this workspace. See the README section "Sweeps" for one to start from.');
    if (files.length === 1) return files[0];
    const picked = await vscode.window.showQuickPick(
      files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Start Sweep', placeHolder: 'Sweep file' },
    );
    return picked?.uri;
  }

  dispose(): void {
    // Trials keep running when the window closes; the next window's scheduler follows them.
    for (const s of this.schedulers.values()) s.dispose();
    this.schedulers.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** The workspace's sweep files: sweep.yaml and *.sweep.yaml (or .yml, .json), run folders and node_modules left out. */
export async function sweepFiles(): Promise<vscode.Uri[]> {
  // `*sweep` also finds a plain sweep.yaml; the name check drops "mysweep.yaml".
  const found = await vscode.workspace.findFiles('**/*sweep.{yaml,yml,json}', '{**/node_modules/**,**/.trackside/**}', 500);
  return found.filter((uri) => isSweepFileName(uri.fsPath));
}
