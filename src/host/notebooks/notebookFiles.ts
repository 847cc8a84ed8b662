import * as path from 'node:path';
import * as vscode from 'vscode';

export function isNotebookFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && uri.scheme === 'file' && uri.fsPath.toLowerCase().endsWith('.ipynb');
}

/** Checkpoints are kept per path relative to the workspace folder (POSIX), so they survive moving the workspace. */
export function notebookPath(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return uri.fsPath.split(path.sep).join('/');
  return path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
}

/** The notebook the user means: the one given (explorer, view), else the active notebook editor's. */
export function targetNotebook(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return isNotebookFile(arg) ? arg : undefined;
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  return isNotebookFile(active) ? active : undefined;
}

export function findNotebookDocument(uri: vscode.Uri): vscode.NotebookDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === key);
}
