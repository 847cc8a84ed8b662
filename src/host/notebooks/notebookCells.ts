// Between the notebook editor's cells and the core's cell signatures / cell data.
import * as vscode from 'vscode';
import { normalizeText, textSig, type CellKind, type CellSig } from '../../core/notebooks/fingerprint';

/** As the ipynb serializer maps them: markdown is Markup, raw cells are Code with language "raw". */
export function editorCellKind(cell: vscode.NotebookCell): CellKind {
  if (cell.kind === vscode.NotebookCellKind.Markup) return 'm';
  return cell.document.languageId === 'raw' ? 'r' : 'c';
}

/** The same signatures a checkpoint record holds, from the notebook as it is in the editor (unsaved edits included). */
export function editorCellSigs(doc: vscode.NotebookDocument): CellSig[] {
  return doc.getCells().map((cell) => {
    const kind = editorCellKind(cell);
    const sig: CellSig = { kind, text: textSig(kind, cell.document.getText()) };
    const id = (cell.metadata as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id !== '') sig.id = id;
    return sig;
  });
}

/** A copy of a cell (text, language, outputs, metadata, execution) for a notebook edit. */
export function cellDataOf(cell: vscode.NotebookCell): vscode.NotebookCellData {
  const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
  data.outputs = cell.outputs.map((o) => new vscode.NotebookCellOutput(o.items.slice(), o.metadata ? { ...o.metadata } : undefined));
  data.metadata = cell.metadata ? { ...cell.metadata } : undefined;
  if (cell.executionSummary) data.executionSummary = { ...cell.executionSummary };
  return data;
}

/** The first non-empty line of a cell, for pickers. */
export function firstLine(cell: vscode.NotebookCell): string {
  const line = normalizeText(cell.document.getText()).split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
