import * as vscode from 'vscode';

/** Typed reads of the `trackside.checkpoints.*` settings; defaults live in package.json. */
export function checkpointSettings(scope?: vscode.Uri) {
  const c = vscode.workspace.getConfiguration('trackside.checkpoints', scope);
  return {
    automatic: c.get<boolean>('automatic', true),
    keepAutomatic: c.get<number>('keepAutomatic', 50),
    countOutputOnlyChanges: c.get<boolean>('countOutputOnlyChanges', true),
  };
}
