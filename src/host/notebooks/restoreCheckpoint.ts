// Rollback that loses nothing: the file as it is on disk is checkpointed first, unsaved
// edits and a file changed on disk are asked about, and the restore is one notebook edit,
// so Undo in the notebook reverts it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { alignCells, type CellPair } from '../../core/notebooks/alignCells';
import { describeSummary } from '../../core/notebooks/cellDiff';
import { checkpointTime } from '../../core/notebooks/checkpointLabels';
import type { CheckpointRecord } from '../../core/notebooks/checkpointRecord';
import { planRestore } from '../../core/notebooks/readCheckpoint';
import { checkpointDocumentUri } from './checkpointUris';
import type { CheckpointService } from './checkpointService';
import { cellDataOf, editorCellSigs, firstLine } from './notebookCells';

export interface RestoreTarget {
  uri: vscode.Uri;
  record: CheckpointRecord;
}

/** Replaces the whole notebook with the checkpoint, then saves it. */
export async function restoreCheckpoint(service: CheckpointService, { uri, record }: RestoreTarget): Promise<boolean> {
  const doc = await vscode.workspace.openNotebookDocument(uri);
  const name = path.basename(uri.fsPath);
  const when = checkpointTime(record.t);
  if (!(await readyToReplace(service, doc, `Restore ${name} to the checkpoint of ${when}?`))) return false;
  // Checked before anything is written: a missing or damaged checkpoint changes nothing.
  const plan = await planRestore(service.store.root, record, uri.fsPath);
  await service.take(uri, { kind: 'pre-restore', restore: record.id });
  const source = await vscode.workspace.openNotebookDocument(checkpointDocumentUri(record));
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, [
    vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(0, doc.cellCount), source.getCells().map(cellDataOf)),
    vscode.NotebookEdit.updateNotebookMetadata({ ...source.metadata }),
  ]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`The notebook editor did not accept the restore of ${name}; nothing was changed.`);
  // The restored content is that checkpoint's: one "before restore" entry per restore, no "saved" one after it.
  await service.saveQuietly(doc, true);
  await vscode.window.showNotebookDocument(doc, { preview: false });
  const what = plan.changes ? describeSummary(plan.changes) : undefined;
  const changes = what && what !== 'no cell changes' ? ` (cells: ${what})` : '';
  void vscode.window.showInformationMessage(`Trackside: ${name} restored to the checkpoint of ${when}${changes}. Undo in the notebook reverts the restore.`);
  return true;
}

/** Puts back one cell of the checkpoint: replaces its counterpart, or re-inserts it where it was. */
export async function restoreCheckpointCell(service: CheckpointService, { uri, record }: RestoreTarget): Promise<boolean> {
  const doc = await vscode.workspace.openNotebookDocument(uri);
  const name = path.basename(uri.fsPath);
  await planRestore(service.store.root, record, uri.fsPath);
  const source = await vscode.workspace.openNotebookDocument(checkpointDocumentUri(record));
  const pairs = alignCells(editorCellSigs(source), editorCellSigs(doc));
  const current = editorCellSigs(doc);
  const theirs = editorCellSigs(source);
  type Item = vscode.QuickPickItem & { pair: CellPair; at: number };
  const items: Item[] = [];
  pairs.forEach((pair, k) => {
    if (pair.a === undefined) return;
    const removed = pair.b === undefined;
    if (!removed && current[pair.b!].text === theirs[pair.a].text && current[pair.b!].kind === theirs[pair.a].kind) return;
    const cell = source.cellAt(pair.a);
    items.push({
      label: `Cell ${pair.a + 1}: ${firstLine(cell) || '(empty)'}`,
      description: removed ? 'deleted since' : 'edited since',
      pair,
      at: insertionIndex(pairs, k),
    });
  });
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Trackside: every cell of this checkpoint is in ${name} as it was.`);
    return false;
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Restore a Cell from the Checkpoint of ${checkpointTime(record.t)}`, placeHolder: 'Cells that differ from the notebook now' });
  if (!picked) return false;
  if (!(await readyToReplace(service, doc, `Restore cell ${picked.pair.a! + 1} of ${name} from the checkpoint?`))) return false;
  await service.take(uri, { kind: 'pre-restore', restore: record.id });
  const data = cellDataOf(source.cellAt(picked.pair.a!));
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, [
    picked.pair.b !== undefined ? vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(picked.pair.b, picked.pair.b + 1), [data]) : vscode.NotebookEdit.insertCells(picked.at, [data]),
  ]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`The notebook editor did not accept the cell; ${name} was not changed.`);
  await vscode.window.showNotebookDocument(doc, { preview: false, selections: [new vscode.NotebookRange(picked.pair.b ?? picked.at, (picked.pair.b ?? picked.at) + 1)] });
  return true;
}

/** Where a cell missing from the current notebook goes back: after the current cell that precedes it. */
function insertionIndex(pairs: readonly CellPair[], k: number): number {
  for (let i = k - 1; i >= 0; i--) if (pairs[i].b !== undefined) return pairs[i].b! + 1;
  return 0;
}

/**
 * Unsaved edits are saved (and so checkpointed) or knowingly left to Undo; a file changed on
 * disk by something else is confirmed (its disk version is checkpointed before the restore).
 */
async function readyToReplace(service: CheckpointService, doc: vscode.NotebookDocument, question: string): Promise<boolean> {
  const name = path.basename(doc.uri.fsPath);
  if (doc.isDirty) {
    const save = 'Save, Then Restore';
    const discard = 'Restore Without Saving';
    const pick = await vscode.window.showWarningMessage(
      `${name} has unsaved changes.`,
      { modal: true, detail: `${question}\n\nSaving first keeps the unsaved changes as a checkpoint. Without saving, Undo in the notebook still brings them back.` },
      save,
      discard,
    );
    if (!pick) return false;
    if (pick === save && !(await doc.save())) return false;
  }
  if (service.changedOnDisk(doc.uri)) {
    const pick = await vscode.window.showWarningMessage(
      `${name} changed on disk since it was opened.`,
      { modal: true, detail: `${question}\n\nThe version on disk is kept as a checkpoint first.` },
      'Restore',
    );
    if (pick !== 'Restore') return false;
  }
  return true;
}
