import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FORMAT_NAMES } from '../core/import/importTypes';
import type { ImportReport } from '../core/import/importTypes';
import { compileQuery } from '../core/query/compile';
import { QueryError } from '../core/query/queryError';
import { Commands } from './commandIds';
import type { Handler } from './commandRegistry';
import type { IndexService } from './indexService';
import { withJobProgress } from './jobProgress';
import type { ExplorerNode } from './runExplorer';

export interface ImportExportHost {
  readonly index: IndexService;
  readonly log: vscode.OutputChannel;
  readonly folder: vscode.WorkspaceFolder | undefined;
}

/** Import Runs and Export Runs: thin over core import/export, with progress, cancel and a summary. */
export function importExportCommands(host: ImportExportHost): Record<typeof Commands.importRuns | typeof Commands.exportRuns, Handler> {
  return {
    [Commands.importRuns]: () => importRuns(host),
    [Commands.exportRuns]: (arg, many) => exportRunsCommand(host, arg, many),
  };
}

async function importRuns(host: ImportExportHost): Promise<void> {
  // Windows and Linux dialogs pick files or folders, not both: ask which first.
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Folders…', description: 'TensorBoard log folders, MLflow mlruns/ folders', folders: true },
      { label: 'Files…', description: 'TensorBoard event files, mlflow.db, Trackside archives (.tar, .tar.gz)', folders: false },
    ],
    { title: 'Import Runs' },
  );
  if (!kind) return;
  const uris = await vscode.window.showOpenDialog({
    title: 'Import Runs',
    openLabel: 'Import',
    canSelectFiles: !kind.folders,
    canSelectFolders: kind.folders,
    canSelectMany: true,
    defaultUri: host.folder?.uri,
  });
  if (!uris?.length) return;
  fs.mkdirSync(host.index.root, { recursive: true });
  const report = await withJobProgress('Trackside: importing runs', (job) => host.index.job('importPaths', job, uris.map((u) => u.fsPath)));
  if (!report) return;
  logReport(host.log, report);
  const parts = [`imported ${report.imported.length} run${report.imported.length === 1 ? '' : 's'}`];
  if (report.updated.length) {
    const added = report.updated.reduce((n, r) => n + r.points, 0);
    parts.push(`updated ${report.updated.length} run${report.updated.length === 1 ? '' : 's'} (+${added.toLocaleString()} points)`);
  }
  if (report.alreadyPresent.length) parts.push(`${report.alreadyPresent.length} already imported`);
  if (report.warnings.length) parts.push(`${report.warnings.length} incomplete`);
  if (report.skipped.length) parts.push(`${report.skipped.length} left out`);
  if (report.errors.length) parts.push(`${report.errors.length} could not be read`);
  const text = `Trackside: ${report.cancelled ? 'import cancelled; ' : ''}${parts.join(', ')}.`;
  if (report.errors.length || report.warnings.length || report.skipped.length) {
    const show = report.errors.length || report.warnings.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    if (await show(text, 'Show Details')) host.log.show();
  } else void vscode.window.showInformationMessage(text);
}

function logReport(log: vscode.OutputChannel, r: ImportReport): void {
  for (const run of r.imported) log.appendLine(`import: ${run.id} ${run.name ?? ''} [${FORMAT_NAMES[run.format]}] from ${run.origin}`);
  for (const run of r.updated) log.appendLine(`import: updated ${run.id} ${run.name ?? ''} (+${run.points} points) from ${run.origin}`);
  for (const w of r.warnings) log.appendLine(`import: incomplete ${w.path}: ${w.message}`);
  for (const p of r.alreadyPresent) log.appendLine(`import: already imported: ${p.origin} (${p.id})`);
  for (const s of r.skipped) log.appendLine(`import: left out ${s.path}: ${s.reason}`);
  for (const e of r.errors) log.appendLine(`import: could not read ${e.path}: ${e.message}`);
}

/** Runs selected in the explorer (clicked node or multi-selection). */
function selectedRuns(arg: unknown, many: unknown): string[] {
  const nodes = (Array.isArray(many) && many.length ? many : arg ? [arg] : []) as ExplorerNode[];
  const ids = nodes.filter((n) => n && n.kind === 'run').map((n) => (n as ExplorerNode & { kind: 'run' }).run.id);
  if (typeof arg === 'string') ids.push(arg);
  return [...new Set(ids)];
}

async function pickRuns(host: ImportExportHost, title: string, many: boolean): Promise<string[]> {
  const runs = await host.index.call('listRuns', { limit: 1000 });
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Trackside: no runs to export.');
    return [];
  }
  const items = runs.map((r) => ({ label: r.name ?? r.id, description: `${r.status} · ${r.experiment ?? ''}`, detail: r.id, id: r.id }));
  const picked = many
    ? await vscode.window.showQuickPick(items, { title, canPickMany: true, matchOnDescription: true, matchOnDetail: true })
    : await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return [];
  return Array.isArray(picked) ? picked.map((p) => p.id) : [picked.id];
}

function queryError(text: string): string | undefined {
  try {
    compileQuery(text);
    return undefined;
  } catch (e) {
    if (e instanceof QueryError) return e.message;
    throw e;
  }
}

async function saveUri(host: ImportExportHost, name: string, filters: Record<string, string[]>): Promise<string | undefined> {
  const base = host.folder?.uri ?? vscode.Uri.file(path.dirname(host.index.root));
  const uri = await vscode.window.showSaveDialog({ title: 'Export Runs', defaultUri: vscode.Uri.joinPath(base, name), filters });
  return uri?.fsPath;
}

async function exportRunsCommand(host: ImportExportHost, arg: unknown, many: unknown): Promise<void> {
  const selected = selectedRuns(arg, many);
  const what = await vscode.window.showQuickPick(
    [
      { label: 'Runs table as CSV', description: 'params and metric summaries, one row per run', format: 'csv' as const },
      { label: 'Runs table as JSON', description: 'params and metric summaries of each run', format: 'json' as const },
      { label: 'Metrics as CSV', description: "one run's metric points", format: 'metrics' as const },
      { label: 'Archive', description: 'whole runs with their blobs, for Import Runs elsewhere', format: 'archive' as const },
    ],
    { title: selected.length ? `Export ${selected.length} Run${selected.length === 1 ? '' : 's'}` : 'Export Runs' },
  );
  if (!what) return;
  if (what.format === 'csv' || what.format === 'json') {
    let query = selected.length ? `id in (${selected.map((id) => JSON.stringify(id)).join(', ')})` : undefined;
    if (query === undefined) {
      const asked = await vscode.window.showInputBox({
        title: 'Export Runs: which runs?',
        prompt: 'A query, e.g. status = finished and params.lr < 0.01 (empty: every run)',
        validateInput: (v) => (v.trim() ? queryError(v) : undefined),
      });
      if (asked === undefined) return;
      query = asked;
    }
    const file = await saveUri(host, `runs.${what.format}`, what.format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] });
    if (!file) return;
    await host.index.call('exportRuns', what.format, file, { query });
    return done(`exported the runs to ${path.basename(file)}.`, file);
  }
  if (what.format === 'metrics') {
    const [id] = selected.length ? selected : await pickRuns(host, 'Export Metrics of Run', false);
    if (!id) return;
    const file = await saveUri(host, `${id}-metrics.csv`, { CSV: ['csv'] });
    if (!file) return;
    const n = await host.index.call('exportMetricsCsv', id, file);
    return done(`exported ${n.toLocaleString()} metric points to ${path.basename(file)}.`, file);
  }
  const ids = selected.length ? selected : await pickRuns(host, 'Export Runs as an Archive', true);
  if (!ids.length) return;
  const file = await saveUri(host, ids.length === 1 ? `${ids[0]}.tar.gz` : 'runs.tar.gz', { Archive: ['tar.gz', 'tgz', 'tar'] });
  if (!file) return;
  const report = await withJobProgress('Trackside: exporting runs', (job) => host.index.job('exportRunArchive', job, ids, file));
  if (!report) return;
  if (report.missingBlobs.length) host.log.appendLine(`export: blobs missing from the store, left out: ${report.missingBlobs.join(', ')}`);
  return done(
    `exported ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} (${report.blobs} blobs) to ${path.basename(file)}${report.missingBlobs.length ? `; ${report.missingBlobs.length} missing blob(s) left out` : ''}.`,
    file,
  );
}

async function done(message: string, file: string): Promise<void> {
  const pick = await vscode.window.showInformationMessage(`Trackside: ${message}`, 'Reveal');
  if (pick) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
}
