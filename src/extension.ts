import type * as vscode from 'vscode';
import { App } from './host/app';

let app: App | undefined;

export function activate(context: vscode.ExtensionContext): void {
  app = new App(context);
  context.subscriptions.push(app);
}

export function deactivate(): void {
  app = undefined;
}
