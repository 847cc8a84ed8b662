import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkpointOrigin, checkpointTime } from '../../core/notebooks/checkpointLabels';
import type { CheckpointRecord } from '../../core/notebooks/checkpointRecord';
import { readCheckpoint } from '../../core/notebooks/readCheckpoint';
import { Commands, type CommandId } from '../commandIds';
import type { Handler } from '../commandRegistry';
import type { CheckpointService } from './checkpointService';
import type { CheckpointNode, CheckpointTree } from './checkpointTree';
import { checkpointDocumentUri } from './checkpointUris';
import { findNotebookDocument, targetNotebook } from './notebookFiles';
import { restoreCheckpoint, restoreCheckpointCell, type RestoreTarget } from './restoreCheckpoint';

export type CheckpointCommandId = Extract<
  CommandId,
  | typeof Commands.createCheckpoint
  | typeof Commands.restoreCheckpoint
  | typeof Commands.restoreCheckpointCell
  | typeof Commands.openCheckpoint
  | typeof Commands.compareCheckpoint
  | typeof Commands.deleteCheckpoint
>;

interface CheckpointCommandsHost {
  service: CheckpointService;
  tree: CheckpointTree;
}

/** The checkpoint commands: each takes a view item, a notebook from the explorer, or the active notebook. */
export function checkpointCommands(host: CheckpointCommandsHost): Record<CheckpointCommandId, Handler> {
  const { service, tree } = host;
  const notebookOf = (arg: unknown): vscode.Uri => {
    const uri = targetNotebook(arg) ?? tree.notebook?.uri;
    if (!uri) throw new Error('Open a Jupyter notebook (.ipynb) first.');
    return uri;
  };
  const pick = async (arg: unknown, title: string): Promise<RestoreTarget | undefined> => {
    if (isNode(arg)) return arg;
    const uri = notebookOf(arg);
    const records = service.list(uri);
    if (records.length === 0) throw new Error(`${path.basename(uri.fsPath)} has no checkpoints yet: they are taken on every save and by "Create Notebook Checkpoint".`);
    const picked = await vscode.window.showQuickPick(
      records.map((record) => ({ label: checkpointTime(record.t), description: [record.label, checkpointOrigin(record)].filter(Boolean).join(' · '), record })),
      { title, placeHolder: `Checkpoints of ${path.basename(uri.fsPath)}, newest first` },
    );
    return picked && { uri, record: picked.record };
  };

  return {
    [Commands.createCheckpoint]: async (arg) => {
      const uri = notebookOf(arg);
      const name = path.basename(uri.fsPath);
      const label = await vscode.window.showInputBox({ title: 'Create Notebook Checkpoint', prompt: `Label for this checkpoint of ${name} (optional)`, placeHolder: 'e.g. baseline before feature engineering' });
      if (label === undefined) return;
      const doc = findNotebookDocument(uri);
      if (doc && !(await service.saveQuietly(doc))) return;
      await service.take(uri, { kind: 'manual', label: label.trim() || undefined });
      vscode.window.setStatusBarMessage(`$(bookmark) Trackside: checkpoint of ${name} taken`, 4000);
    },
    [Commands.restoreCheckpoint]: async (arg) => {
      const target = await pick(arg, 'Restore Checkpoint');
      if (target) await restoreCheckpoint(service, target);
    },
    [Commands.restoreCheckpointCell]: async (arg) => {
      const target = await pick(arg, 'Restore Cell from Checkpoint');
      if (target) await restoreCheckpointCell(service, target);
    },
    [Commands.openCheckpoint]: async (arg) => {
      const target = await pick(arg, 'Open Checkpoint');
      if (!target) return;
      await readCheckpoint(service.store.root, target.record); // a clear error before the editor tries
      const doc = await vscode.workspace.openNotebookDocument(checkpointDocumentUri(target.record));
      await vscode.window.showNotebookDocument(doc, { preview: true });
    },
    [Commands.compareCheckpoint]: async (arg) => {
      const target = await pick(arg, 'Compare Checkpoint with Current');
      if (!target) return;
      await readCheckpoint(service.store.root, target.record);
      const name = path.basename(target.uri.fsPath);
      await vscode.commands.executeCommand('vscode.diff', checkpointDocumentUri(target.record), target.uri, `${name} (checkpoint ${checkpointTime(target.record.t)}) ↔ Current`, { preview: true });
    },
    [Commands.deleteCheckpoint]: async (arg, many) => {
      // The selection when the item acted on is part of it, else that item alone.
      const selection = Array.isArray(many) && many.every(isNode) && isNode(arg) && many.some((n) => n.record.id === arg.record.id) ? (many as RestoreTarget[]) : undefined;
      const targets = selection ?? [await pick(arg, 'Delete Checkpoint')].filter((t): t is RestoreTarget => !!t);
      if (targets.length === 0) return;
      const what = targets.length === 1 ? `the checkpoint of ${checkpointTime(targets[0].record.t)}${targets[0].record.label ? ` (“${targets[0].record.label}”)` : ''}` : `${targets.length} checkpoints`;
      const ok = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      const byNotebook = new Map<string, { uri: vscode.Uri; ids: string[] }>();
      for (const t of targets) {
        const entry = byNotebook.get(t.uri.toString()) ?? { uri: t.uri, ids: [] };
        entry.ids.push(t.record.id);
        byNotebook.set(t.uri.toString(), entry);
      }
      for (const { uri, ids } of byNotebook.values()) await service.remove(uri, ids);
    },
  };
}

function isNode(x: unknown): x is CheckpointNode {
  const n = x as Partial<CheckpointNode> | null;
  return !!n && n.uri instanceof vscode.Uri && typeof (n.record as CheckpointRecord | undefined)?.id === 'string';
}
