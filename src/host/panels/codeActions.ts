// Open, Diff with Current and Restore File for a run's code snapshot. Restoring asks first and
// stores the file it replaces as a blob, logged to the run as a `backup` artifact, so the
// version on disk before the restore is never lost.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CodeAction } from '../../protocol/runPanel';
import { snapshotUri } from '../snapshotDocuments';
import type { PanelContext } from './panelSetup';
import { restoreFile } from '../../core/restoreFile';
import { inside } from '../../core/safePaths';

export async function codeAction(ctx: PanelContext, runId: string, action: CodeAction, filePath: string): Promise<void> {
  const run = await ctx.index.call('getRun', runId);
  const file = run?.code.find((f) => f.path === filePath);
  if (!run || !file) throw new Error(`${filePath} is not in the run's code snapshot.`);
  const runName = run.name ?? run.id;
  const stored = snapshotUri(run.id, file.path, file.hash);
  const folder = ctx.folder();
  const current = folder ? inside(folder.uri.fsPath, file.path) : undefined;
  switch (action) {
    case 'open':
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(stored), { preview: true, viewColumn: vscode.ViewColumn.One });
      return;
    case 'diff':
      if (!current || !fs.existsSync(current)) throw new Error(`${file.path} does not exist in the workspace, so there is nothing to compare with.`);
      await vscode.commands.executeCommand('vscode.diff', stored, vscode.Uri.file(current), `${file.path} (${runName}) ↔ current`, { viewColumn: vscode.ViewColumn.One });
      return;
    case 'restore': {
      if (!current) throw new Error(`${file.path} is not a path inside the workspace; it cannot be restored there.`);
      const exists = fs.existsSync(current);
      const ok = await vscode.window.showWarningMessage(
        `Restore ${file.path} as it was in run "${runName}"?`,
        { modal: true, detail: exists ? 'The current file is stored with the run first (as a backup artifact), so it can be got back.' : 'The file does not exist in the workspace now; it will be created.' },
        'Restore',
      );
      if (ok !== 'Restore') return;
      await restoreFile(ctx.root, run.id, file.path, file.hash, current);
      await ctx.index.ingest(run.id);
      void vscode.window.showInformationMessage(`Trackside: restored ${file.path} from run "${runName}".${exists ? ' The replaced version is kept in the run\'s artifacts.' : ''}`);
      return;
    }
  }
}
