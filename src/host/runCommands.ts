import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunDetail } from '../core/runQueries';
import { runDir } from '../core/paths';
import { Commands, type CommandId } from './commandIds';
import type { Handler } from './commandRegistry';
import type { IndexService } from './indexService';
import { runIdsOf } from './runExplorer';
import type { PrimaryMetrics } from './primaryMetric';
import type { RunManager } from './runManager';
import { snapshotUri } from './snapshotDocuments';
import { launch, type StartContext } from './startRunCommand';

interface RunCommandsHost {
  index: IndexService;
  runs: RunManager;
  folder: vscode.WorkspaceFolder | undefined;
  /** The Run Explorer's selection (a context menu selects the item it opens on). */
  readonly treeView: { readonly selection: readonly unknown[] };
  readonly primary: PrimaryMetrics;
  readonly panels: { activeRunId(): string | undefined };
}

type RunCommandId = Extract<
  CommandId,
  | typeof Commands.stopRun
  | typeof Commands.rerun
  | typeof Commands.renameRun
  | typeof Commands.editTags
  | typeof Commands.editNote
  | typeof Commands.deleteRun
  | typeof Commands.restoreRun
  | typeof Commands.purgeDeleted
  | typeof Commands.revealRunFolder
  | typeof Commands.showOutput
  | typeof Commands.openCodeSnapshot
  | typeof Commands.showMetricInExplorer
>;

/** Commands acting on existing runs: each takes explorer selections or asks with a quick pick. */
export function runCommands(app: RunCommandsHost, start: StartContext): Record<RunCommandId, Handler> {
  const pick = (arg: unknown, many: unknown, opts: { title: string; status?: 'running'; deleted?: boolean }) => targetRuns(app, arg, many, opts);

  return {
    [Commands.stopRun]: async (arg, many) => {
      for (const run of await pick(arg, many, { title: 'Stop Run', status: 'running' })) {
        if (!(await app.runs.stop(run.id))) throw new Error(`Run "${run.name ?? run.id}" is not running in this window and its process could not be found.`);
      }
    },
    // From a chart's context menu in a Run panel ({ metricKey }), a run's in the explorer, or the palette.
    [Commands.showMetricInExplorer]: async (arg) => {
      const metricKey = (arg as { metricKey?: unknown } | undefined)?.metricKey;
      const fromChart = typeof metricKey === 'string' ? app.panels.activeRunId() : undefined;
      const [run] = fromChart ? [await app.index.call('getRun', fromChart)] : await pick(arg, undefined, { title: 'Show Metric in the Explorer' });
      if (run) await app.primary.choose(run, fromChart ? (metricKey as string) : undefined);
    },
    [Commands.rerun]: async (arg, many) => {
      for (const run of await pick(arg, many, { title: 'Rerun' })) {
        if (!app.folder) throw new Error('Open a workspace folder to rerun runs.');
        const argv = Array.isArray(run.command) ? run.command : undefined;
        if (!argv || argv.length < 2 || !run.script) throw new Error(`Run "${run.name ?? run.id}" was not started from the editor, so there is no configuration to run again.`);
        if (run.imported && !(await confirmImportedRerun(run.name ?? run.id, run.imported, argv, run.cwd))) continue;
        await launch(start, {
          folder: app.folder,
          interpreter: argv[0],
          program: argv[1],
          args: argv.slice(2),
          cwd: run.cwd ?? undefined,
          experiment: run.experiment ?? undefined,
          label: `${path.basename(argv[1])} (rerun of ${run.name ?? run.id})`,
          rerunOf: run.id,
        });
      }
    },
    [Commands.renameRun]: async (arg) => {
      const [run] = await pick(arg, undefined, { title: 'Rename Run' });
      if (!run) return;
      const name = await vscode.window.showInputBox({
        title: 'Rename Run',
        value: run.name ?? '',
        validateInput: (v) => (v.trim() === '' ? 'A run name cannot be empty.' : v.length > 200 ? 'At most 200 characters.' : undefined),
      });
      if (name !== undefined && name.trim() !== run.name) await app.index.call('renameRun', run.id, name.trim());
    },
    [Commands.editTags]: async (arg, many) => {
      const runs = await pick(arg, many, { title: 'Edit Tags' });
      if (runs.length === 0) return;
      const current = runs.length === 1 ? runs[0].tags : [];
      const text = await vscode.window.showInputBox({
        title: runs.length === 1 ? 'Edit Tags' : `Add Tags to ${runs.length} Runs`,
        prompt: 'Comma-separated tags',
        value: current.join(', '),
      });
      if (text === undefined) return;
      const tags = [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
      for (const run of runs) {
        const add = tags.filter((t) => !run.tags.includes(t));
        const remove = runs.length === 1 ? run.tags.filter((t) => !tags.includes(t)) : [];
        if (add.length || remove.length) await app.index.call('tagRun', run.id, add, remove);
      }
    },
    [Commands.editNote]: async (arg) => {
      const [run] = await pick(arg, undefined, { title: 'Edit Note' });
      if (!run) return;
      const text = await vscode.window.showInputBox({ title: `Note for ${run.name ?? run.id}`, value: run.note ?? '' });
      if (text !== undefined && text !== (run.note ?? '')) await app.index.call('setNote', run.id, text);
    },
    [Commands.deleteRun]: async (arg, many) => {
      const runs = await pick(arg, many, { title: 'Delete Run' });
      if (runs.length === 0) return;
      const what = runs.length === 1 ? `run "${runs[0].name ?? runs[0].id}"` : `${runs.length} runs`;
      const ok = await vscode.window.showWarningMessage(
        `Delete ${what}? It can be restored with "Restore Deleted Run…" until deleted runs are purged.`,
        { modal: true },
        'Delete',
      );
      if (ok !== 'Delete') return;
      for (const run of runs) {
        if (app.runs.isActive(run.id)) await app.runs.stop(run.id);
        await app.index.call('deleteRun', run.id);
      }
    },
    [Commands.restoreRun]: async () => {
      const runs = await pick(undefined, undefined, { title: 'Restore Deleted Run', deleted: true });
      for (const run of runs) await app.index.call('restoreRun', run.id);
    },
    [Commands.purgeDeleted]: async () => {
      const deleted = (await app.index.call('listRuns', { includeDeleted: true, limit: 100_000 })).filter((r) => r.deleted);
      if (deleted.length === 0) {
        void vscode.window.showInformationMessage('Trackside: there are no deleted runs to purge.');
        return;
      }
      const ok = await vscode.window.showWarningMessage(
        `Permanently remove ${deleted.length} deleted run folder${deleted.length === 1 ? '' : 's'}? This cannot be undone.`,
        { modal: true },
        'Purge',
      );
      if (ok !== 'Purge') return;
      for (const r of deleted) fs.rmSync(runDir(app.index.root, r.id), { recursive: true, force: true });
      await app.index.ingest();
    },
    [Commands.revealRunFolder]: async (arg) => {
      const [run] = await pick(arg, undefined, { title: 'Reveal Run Folder' });
      if (run) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(runDir(app.index.root, run.id)));
    },
    [Commands.showOutput]: async (arg) => {
      const [run] = await pick(arg, undefined, { title: 'Show Output' });
      if (!run) return;
      const active = app.runs.get(run.id);
      if (active) {
        active.terminal.terminal?.show();
        return;
      }
      const log = path.join(runDir(app.index.root, run.id), 'files', 'output.log');
      if (!fs.existsSync(log)) throw new Error(`Run "${run.name ?? run.id}" has no recorded output (it was not started from the editor).`);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(log));
      await vscode.window.showTextDocument(doc, { preview: true });
    },
    [Commands.openCodeSnapshot]: async (arg) => {
      const [run] = await pick(arg, undefined, { title: 'Open Code Snapshot' });
      if (run) await openSnapshot(app, run);
    },
  };
}

/** An imported run's command is another machine's: run it only once the user has read it. */
async function confirmImportedRerun(name: string, from: string, argv: string[], cwd: string | null): Promise<boolean> {
  const command = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  const pick = await vscode.window.showWarningMessage(
    `Run "${name}" was imported (${from}). Running it again executes this command${cwd ? ` in ${cwd}` : ''}:`,
    { modal: true, detail: command },
    'Run This Command',
  );
  return pick === 'Run This Command';
}

async function openSnapshot(app: RunCommandsHost, run: RunDetail): Promise<void> {
  if (run.code.length === 0) throw new Error(`Run "${run.name ?? run.id}" has no code snapshot.`);
  const script = run.script ?? undefined;
  const files = [...run.code].sort((a, b) => Number(b.path === script) - Number(a.path === script) || a.path.localeCompare(b.path));
  const picked = files.length === 1 ? files[0] : await vscode.window.showQuickPick(
    files.map((f) => ({ label: f.path, description: f.path === script ? 'script' : `${f.size} bytes`, file: f })),
    { title: `Code snapshot of ${run.name ?? run.id}` },
  ).then((p) => p?.file);
  if (!picked) return;
  const stored = snapshotUri(run.id, picked.path, picked.hash);
  const current = app.folder && !picked.path.startsWith('(external)/') ? vscode.Uri.joinPath(app.folder.uri, picked.path) : undefined;
  const choice = current && fs.existsSync(current.fsPath)
    ? await vscode.window.showQuickPick(['Open Snapshot', 'Diff with Current'], { title: picked.path })
    : 'Open Snapshot';
  if (choice === 'Diff with Current' && current) {
    await vscode.commands.executeCommand('vscode.diff', stored, current, `${picked.path} (${run.name ?? run.id}) ↔ current`);
  } else if (choice) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(stored), { preview: true });
  }
}

/** The runs a command acts on: the explorer selection, the clicked item, or a quick pick. */
async function targetRuns(
  app: RunCommandsHost,
  arg: unknown,
  many: unknown,
  opts: { title: string; status?: 'running'; deleted?: boolean },
): Promise<RunDetail[]> {
  // A menu whose item was redrawn while it was open (a live run refreshes) passes no argument:
  // the explorer's selection still says which run it was opened on.
  const fromMenu = arg === undefined && many === undefined ? app.treeView.selection : undefined;
  const ids = runIdsOf(Array.isArray(many) && many.length ? many : (arg ?? fromMenu)) ?? [];
  if (ids.length === 0) {
    const candidates = (await app.index.call('listRuns', { includeDeleted: opts.deleted, status: opts.status, limit: 500 })).filter((r) => !!r.deleted === !!opts.deleted);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Trackside: no ${opts.deleted ? 'deleted ' : opts.status ? `${opts.status} ` : ''}runs.`);
      return [];
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((r) => ({ label: r.name ?? r.id, description: `${r.status} · ${r.experiment ?? ''}`, detail: r.id, id: r.id })),
      { title: opts.title, canPickMany: opts.deleted === true, matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return [];
    ids.push(...(Array.isArray(picked) ? picked.map((p) => p.id) : [picked.id]));
  }
  const runs = await Promise.all(ids.map((id) => app.index.call('getRun', id)));
  return runs.map((run, i) => {
    if (!run) throw new Error(`Run ${ids[i]} is not in the index (was its folder removed?).`);
    return run;
  });
}
