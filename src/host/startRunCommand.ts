import * as path from 'node:path';
import * as vscode from 'vscode';
import { InterpreterNotFoundError } from '../core/runner/interpreter';
import { parseParamPairs, type ParamPair } from '../core/runner/params';
import type { StartRunOptions } from '../core/runner/startRun';
import type { QueuedRun } from '../core/sweeps/sweepState';
import { flagsText, readScriptFlags, type ScriptFlag } from '../core/runner/scriptFlags';
import { settings, type RunConfiguration } from './config';
import { interpreterFor, showInterpreterMissing } from './interpreter';
import type { RunManager } from './runManager';

/** What to run and where: a queued run's fields, in a workspace folder. */
export interface StartTarget extends Omit<QueuedRun, 'pairs'> {
  folder: vscode.WorkspaceFolder;
  /** The run this one repeats (Rerun): its terminal is taken over. */
  rerunOf?: string;
  /** The run's name (default: the script's name and the short id). */
  name?: string;
  /** The sweep trial the run is. */
  sweep?: StartRunOptions['sweep'];
}

export interface StartContext {
  runs: RunManager;
  rootFor(folder: vscode.WorkspaceFolder): string;
  clientPath: string;
  /** Called once the run folder exists, so the explorer shows it at once. */
  started(id: string, folder: vscode.WorkspaceFolder, name: string): void;
  /** The params of the newest run of this script (workspace-relative path), to start from. */
  lastParams?(script: string): Promise<Record<string, unknown> | undefined>;
  /** Runs a notebook (.ipynb) headless as a tracked run; returns the run id. */
  startNotebook?(uri: vscode.Uri): Promise<string | undefined>;
}

/** "Start Tracked Run": the given file, the active Python file or notebook, or a configuration picked. */
/** Runs start only in a trusted workspace: its settings and scripts name programs to run. */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new Error('This workspace is not trusted, so Trackside starts no runs in it (its settings and scripts name programs to run). Trust it with "Workspaces: Manage Workspace Trust".');
  }
}

export async function startTrackedRun(ctx: StartContext, arg: unknown, withParams: boolean): Promise<void> {
  requireTrust();
  const notebook = notebookTarget(arg);
  if (notebook && ctx.startNotebook) {
    if (withParams) throw new Error(`${path.basename(notebook.fsPath)} is a notebook: it runs as it is, without parameters.`);
    await ctx.startNotebook(notebook);
    return;
  }
  const chosen = await chooseRun(ctx, arg, withParams, 'Start Tracked Run');
  if (chosen) await launch(ctx, chosen.target, chosen.params);
}

/** What to run, as Start Tracked Run chooses it, and its parameters when asked for; undefined when the user cancelled. */
export async function chooseRun(ctx: StartContext, arg: unknown, withParams: boolean, title: string): Promise<{ target: StartTarget; params?: ParamPair[] } | undefined> {
  const target = await chooseTarget(arg, title);
  if (!target) return undefined;
  if (!withParams) return { target };
  const params = await askParams(ctx, target, title);
  return params ? { target, params } : undefined;
}

export async function launch(ctx: StartContext, target: StartTarget, params?: ParamPair[] | StartRunOptions['params']): Promise<string | undefined> {
  requireTrust();
  // A notebook run again (Rerun) goes through the notebook runner's own start again.
  const notebook = target.args[0];
  if (ctx.startNotebook && isNotebookRunner(target.program) && notebook?.toLowerCase().endsWith('.ipynb')) return ctx.startNotebook(vscode.Uri.file(notebook));
  const s = settings(target.folder.uri);
  const interpreter = await interpreterFor(target.folder.uri, target.interpreter);
  try {
    const run = await ctx.runs.start(
      {
        root: ctx.rootFor(target.folder),
        workspaceDir: target.folder.uri.fsPath,
        program: target.program,
        args: target.args,
        cwd: target.cwd,
        env: target.env,
        interpreter,
        clientPath: ctx.clientPath,
        experiment: target.experiment || s.defaultExperiment,
        params,
        name: target.name,
        sweep: target.sweep,
        snapshot: { include: s.snapshotInclude, maxFileBytes: s.snapshotMaxFileBytes, maxTotalBytes: s.snapshotMaxTotalBytes },
        outputCapBytes: s.outputCapBytes,
        sysInterval: s.systemMetricsInterval,
      },
      target.rerunOf,
    );
    ctx.started(run.handle.id, target.folder, run.name);
    return run.handle.id;
  } catch (err) {
    if (err instanceof InterpreterNotFoundError) {
      await showInterpreterMissing(interpreter, err.message);
      return undefined;
    }
    throw err;
  }
}

/** An .ipynb given (explorer) or, with no file given, the active notebook editor's. */
export function notebookTarget(arg: unknown): vscode.Uri | undefined {
  const isNotebook = (uri: vscode.Uri | undefined): uri is vscode.Uri => uri?.scheme === 'file' && uri.fsPath.toLowerCase().endsWith('.ipynb');
  if (arg instanceof vscode.Uri) return isNotebook(arg) ? arg : undefined;
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  return isNotebook(active) ? active : undefined;
}

function isNotebookRunner(program: string): boolean {
  return program.split(/[\\/]/).slice(-2).join('/') === 'trackside_nbrun/run_notebook.py';
}

async function chooseTarget(arg: unknown, title: string): Promise<StartTarget | undefined> {
  if (arg instanceof vscode.Uri) return fileTarget(arg);
  const active = vscode.window.activeTextEditor?.document;
  const activePy = active && active.uri.scheme === 'file' && active.fileName.endsWith('.py') ? active.uri : undefined;
  const configs = vscode.workspace.workspaceFolders?.flatMap((folder) =>
    settings(folder.uri).runConfigurations.map((c) => ({ c, folder })),
  ) ?? [];
  if (configs.length === 0 && activePy) return fileTarget(activePy);

  type Item = vscode.QuickPickItem & { target?: () => StartTarget | undefined | Promise<StartTarget | undefined> };
  const items: Item[] = [];
  if (activePy) items.push({ label: `$(file) ${path.basename(activePy.fsPath)}`, description: 'active file', target: () => fileTarget(activePy) });
  for (const { c, folder } of configs) items.push({ label: `$(gear) ${c.name}`, description: c.program, target: () => configTarget(c, folder) });
  items.push({ label: '$(search) Choose a Python file…', target: () => pickPythonFile(title) });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'What to run' });
  return picked?.target?.();
}

function fileTarget(uri: vscode.Uri): StartTarget | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) throw new Error(`${uri.fsPath} is not inside an open workspace folder.`);
  if (!uri.fsPath.endsWith('.py')) throw new Error(`${path.basename(uri.fsPath)} is not a Python file.`);
  return { folder, program: uri.fsPath, args: [], cwd: path.dirname(uri.fsPath), label: path.basename(uri.fsPath) };
}

export function configTarget(c: RunConfiguration, folder: vscode.WorkspaceFolder): StartTarget {
  if (!c.program) throw new Error(`Run configuration "${c.name}" has no program.`);
  return {
    folder,
    program: path.resolve(folder.uri.fsPath, c.program),
    args: c.args ?? [],
    cwd: c.cwd ? path.resolve(folder.uri.fsPath, c.cwd) : undefined,
    env: c.env,
    interpreter: c.interpreter,
    experiment: c.experiment,
    label: c.name,
  };
}

async function pickPythonFile(title: string): Promise<StartTarget | undefined> {
  const files = await vscode.workspace.findFiles('**/*.py', '{**/node_modules/**,**/.trackside/**,**/.venv/**,**/venv/**}', 2000);
  if (files.length === 0) throw new Error('There is no Python file in this workspace to run.');
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { title, placeHolder: 'Python file to run' },
  );
  return picked ? fileTarget(picked.uri) : undefined;
}

/**
 * The script's own argparse flags (read statically, never by running it), prefilled with the
 * last run of the script's values, else the defaults; free key=value pairs when it has none.
 */
async function askParams(ctx: StartContext, target: StartTarget, title: string): Promise<ParamPair[] | undefined> {
  let error: string | undefined;
  let flags: ScriptFlag[] = [];
  let why = '';
  try {
    flags = await readScriptFlags(await interpreterFor(target.folder.uri, target.interpreter), ctx.clientPath, target.program);
  } catch (e) {
    why = ` (${e instanceof Error ? e.message : String(e)})`;
  }
  const script = path.relative(target.folder.uri.fsPath, target.program).split(path.sep).join('/');
  const last = flags.length && ctx.lastParams ? await ctx.lastParams(script).catch(() => undefined) : undefined;
  const described = flags.map((f) => `${f.flag}${f.type ? ` (${f.type})` : ''}`).join(', ');
  const text = await vscode.window.showInputBox({
    title: `${title} with Parameters: ${path.basename(target.program)}`,
    prompt: flags.length
      ? `${last ? "The last run's values" : 'Defaults'} of ${described}; passed as --key value and recorded as params`
      : `key=value pairs, passed to the script as --key value and recorded as params${why}`,
    placeHolder: 'lr=0.01 epochs=20',
    value: flags.length ? flagsText(flags, last) : undefined,
    validateInput: (value) => {
      try {
        parseParamPairs(value);
        error = undefined;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      return error;
    },
  });
  return text === undefined ? undefined : parseParamPairs(text);
}
