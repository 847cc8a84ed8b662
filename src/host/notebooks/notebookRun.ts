// "Start Tracked Run" on a notebook: the bundled runner script is the run's program, so the
// run gets the usual folder, snapshot, output terminal, hardware samples and Stop; this adds
// a checkpoint linked to the run and a cancellable "cell i of N" progress notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hashFile } from '../../core/blobs';
import { notebookLanguage, runnableCells } from '../../core/notebooks/nbformat';
import { NotebookDepsError, missingNotebookModules } from '../../core/notebooks/notebookDeps';
import { ProgressLines, describeFailure, readNotebookRunRecord } from '../../core/notebooks/notebookRunRecord';
import { readNotebookFile } from '../../core/notebooks/parseNotebook';
import { appendEvent } from '../../core/runner/eventLog';
import { InterpreterNotFoundError, resolveInterpreter, type Interpreter } from '../../core/runner/interpreter';
import { shortRunId } from '../../core/runner/runId';
import { settings } from '../config';
import { interpreterFor, showInterpreterMissing } from '../interpreter';
import type { StartContext } from '../startRunCommand';
import { blobDocumentUri } from './blobDocuments';
import type { CheckpointService } from './checkpointService';
import { findNotebookDocument, notebookPath } from './notebookFiles';

export const RUNNER_SCRIPT = path.join('trackside_nbrun', 'run_notebook.py');

/** Interpreters known to have nbclient and ipykernel, so the check runs once per window. */
const ready = new Set<string>();

export async function startNotebookRun(ctx: StartContext, checkpoints: CheckpointService, uri: vscode.Uri): Promise<string | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) throw new Error(`${uri.fsPath} is not inside an open workspace folder.`);
  const name = path.basename(uri.fsPath);
  const doc = findNotebookDocument(uri);
  // The run executes the file: unsaved edits would silently not be part of it.
  if (doc?.isDirty && !(await doc.save())) return undefined;

  const { notebook } = await readNotebookFile(uri.fsPath);
  const language = notebookLanguage(notebook);
  if (language !== 'python') throw new Error(`${name} is a notebook in ${language}; tracked runs execute Python notebooks.`);
  const total = runnableCells(notebook).length;

  const interpreter = await checkedInterpreter(folder, uri);
  if (!interpreter) return undefined;

  const s = settings(folder.uri);
  const stem = name.replace(/\.ipynb$/i, '');
  const run = await ctx.runs.start(
    {
      root: ctx.rootFor(folder),
      workspaceDir: folder.uri.fsPath,
      program: path.join(ctx.clientPath, RUNNER_SCRIPT),
      args: [uri.fsPath],
      cwd: path.dirname(uri.fsPath),
      interpreter,
      clientPath: ctx.clientPath,
      name: stem,
      experiment: s.defaultExperiment,
      snapshot: { include: s.snapshotInclude, maxFileBytes: s.snapshotMaxFileBytes, maxTotalBytes: s.snapshotMaxTotalBytes },
      outputCapBytes: s.outputCapBytes,
      sysInterval: s.systemMetricsInterval,
    },
  );
  const { id, dir } = run.handle;
  // Named and attributed like a script run: the notebook, not the runner, is what ran.
  run.name = `${stem}-${shortRunId(id)}`;
  appendEvent(dir, { type: 'run', source: 'editor', name: run.name, script: notebookPath(uri), job: 'notebook' });
  run.terminal.show(`Run: ${run.name}`);
  ctx.started(id, folder, run.name);
  void checkpoints.take(uri, { kind: 'run', run: id }).catch((err) => {
    void vscode.window.showWarningMessage(`Trackside: the checkpoint for run ${id} could not be taken: ${(err as Error).message}`);
  });
  void followRun(ctx, run.handle, name, total);
  return id;
}

async function checkedInterpreter(folder: vscode.WorkspaceFolder, uri: vscode.Uri): Promise<Interpreter | undefined> {
  const command = await interpreterFor(uri);
  let interpreter: Interpreter;
  try {
    interpreter = await resolveInterpreter([command], { cwd: folder.uri.fsPath });
  } catch (err) {
    if (!(err instanceof InterpreterNotFoundError)) throw err;
    await showInterpreterMissing(command, err.message);
    return undefined;
  }
  if (!ready.has(interpreter.executable)) {
    const missing = await missingNotebookModules(interpreter.executable);
    if (missing.length) {
      const message = new NotebookDepsError(interpreter.executable, missing).message;
      const copy = 'Copy pip Command';
      const pick = await vscode.window.showErrorMessage(`Trackside: ${message}`, copy, 'Open Setting');
      if (pick === copy) await vscode.env.clipboard.writeText(`${interpreter.executable} -m pip install nbclient ipykernel`);
      else if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'trackside.pythonPath');
      return undefined;
    }
    ready.add(interpreter.executable);
  }
  return interpreter;
}

interface FollowedRun {
  id: string;
  dir: string;
  onOutput(listener: (text: string) => void): () => void;
  onExit: Promise<{ status: string }>;
}

/** The progress notification while the run lasts (Cancel stops the run), then the failing cell if one failed. */
async function followRun(ctx: StartContext, handle: FollowedRun, name: string, total: number): Promise<void> {
  const exit = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${name}`, cancellable: true },
    async (progress, token) => {
      const lines = new ProgressLines();
      let done = 0;
      progress.report({ message: `starting the kernel (${total} code cell${total === 1 ? '' : 's'})` });
      const unsubscribe = handle.onOutput((text) => {
        for (const p of lines.push(text)) {
          progress.report({ message: `cell ${p.cell} of ${p.of}`, increment: ((p.cell - 1 - done) / Math.max(1, p.of)) * 100 });
          done = p.cell - 1;
        }
      });
      const cancel = token.onCancellationRequested(() => void ctx.runs.stop(handle.id));
      try {
        return await handle.onExit;
      } finally {
        unsubscribe();
        cancel.dispose();
      }
    },
  );
  if (exit.status !== 'failed') return;
  const record = readNotebookRunRecord(handle.dir);
  const failure = record && describeFailure(record);
  if (!record || !failure) return;
  const open = 'Open Executed Notebook';
  if ((await vscode.window.showErrorMessage(`Trackside: ${name}: ${failure}.`, open)) !== open) return;
  // The copy in the blob store, read-only: the run's record should not be edited by accident.
  const executed = path.join(handle.dir, record.output ?? path.join('files', name));
  const { hash } = await hashFile(executed);
  const uri = blobDocumentUri(`run ${shortRunId(handle.id)}`, name, hash);
  await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(uri), { preview: false });
}
