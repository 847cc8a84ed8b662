import type * as vscode from 'vscode';
import { App } from './host/app';

/** What activate() returns: the running App, for integration tests in the extension host. */
export interface TracksideApi {
  app: App;
}

let app: App | undefined;

export function activate(context: vscode.ExtensionContext): TracksideApi {
  app = new App(context);
  context.subscriptions.push(app);
  return { app };
}

export function deactivate(): void {
  app = undefined;
}
