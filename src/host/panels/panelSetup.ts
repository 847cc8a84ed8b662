// What every panel needs from the extension, and the webview options and HTML they share.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import { panelHtml } from './panelHtml';

export interface PanelContext {
  readonly extensionUri: vscode.Uri;
  /** The `.trackside` folder. */
  readonly root: string;
  /** The index (asked through its worker). */
  readonly index: IndexService;
  /** Runs whose index rows changed. */
  readonly onDidChange: vscode.Event<{ ids: string[]; all: boolean }>;
  folder(): vscode.WorkspaceFolder | undefined;
  readonly log: vscode.OutputChannel;
  openRun(id: string): Promise<void>;
  compareRuns(ids: string[]): Promise<void>;
}

export type PanelName = 'run' | 'compare' | 'table';

/** Only the bundled webview code, the stylesheets and the blob store (images). */
export function webviewOptions(ctx: PanelContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [
      vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(ctx.extensionUri, 'media'),
      vscode.Uri.file(path.join(ctx.root, 'blobs')),
    ],
  };
}

export function setupWebview(panel: vscode.WebviewPanel, ctx: PanelContext, name: PanelName, title: string): void {
  const webview = panel.webview;
  webview.options = webviewOptions(ctx);
  panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'trackside.svg');
  const styles = ['panels.css', ...(name === 'table' ? ['table.css'] : [])];
  webview.html = panelHtml({
    title,
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', `${name}.js`)).toString(),
    styleUris: styles.map((s) => webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'media', s)).toString()),
  });
}

/** A run's message to the user when a panel action fails. */
export function reportError(ctx: PanelContext, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  ctx.log.appendLine(`[panel] ${err instanceof Error && err.stack ? err.stack : message}`);
  void vscode.window.showErrorMessage(`Trackside: ${message}`);
}
