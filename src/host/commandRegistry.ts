import * as vscode from 'vscode';
import type { CommandId } from './commandIds';

export type Handler = (...args: unknown[]) => unknown;

/**
 * Registers every command through one wrapper so a failing command reports its error to
 * the user once, the same way, instead of vanishing into the extension host log.
 */
export function registerCommands(handlers: Record<CommandId, Handler>, log: vscode.OutputChannel): vscode.Disposable {
  const subs = Object.entries(handlers).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.appendLine(`[${id}] ${err instanceof Error && err.stack ? err.stack : message}`);
        void vscode.window.showErrorMessage(`Trackside: ${message}`);
        return undefined;
      }
    }),
  );
  return vscode.Disposable.from(...subs);
}
