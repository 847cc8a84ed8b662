// The Run panel is a read-only custom editor of a `trackside-run:` address, so it opens like
// any editor: as a preview (italic tab, replaced by the next preview) or pinned, and VS Code
// brings it back after a reload.
import * as vscode from 'vscode';
import { RUN_VIEW_TYPE } from '../../protocol/runPanel';

export const RUN_SCHEME = 'trackside-run';

/**
 * `trackside-run:/<id>/Run: <name>`. Older VS Code titles a custom editor by its address's last
 * segment only (newer ones take the panel's title), so the run's name is that segment.
 */
export function runUri(id: string, name: string | null | undefined): vscode.Uri {
  const title = `Run: ${(name || id).replace(/[/\\]/g, '∕')}`;
  return vscode.Uri.from({ scheme: RUN_SCHEME, path: `/${id}/${title}` });
}

export function runIdOfUri(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== RUN_SCHEME) return undefined;
  return /^\/([^/]+)\//.exec(uri.path)?.[1];
}

export interface RunOpenOptions {
  /** A preview: replaced by the next preview until pinned (the explorer's single click). */
  preview?: boolean;
  /** Keep the focus where it is (the explorer keeps it while the user moves through runs). */
  preserveFocus?: boolean;
}

export function openRunEditor(uri: vscode.Uri, column: vscode.ViewColumn, o: RunOpenOptions = {}): Thenable<unknown> {
  const options: vscode.TextDocumentShowOptions = { viewColumn: column, preview: !!o.preview, preserveFocus: !!o.preserveFocus };
  return vscode.commands.executeCommand('vscode.openWith', uri, RUN_VIEW_TYPE, options);
}

export function registerRunEditor(resolve: (panel: vscode.WebviewPanel, runId: string, uri: vscode.Uri) => void): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: (doc, panel) => {
      const id = runIdOfUri(doc.uri);
      if (!id) throw new Error(`${doc.uri.toString()} names no run.`);
      resolve(panel, id, doc.uri);
    },
  };
  return vscode.window.registerCustomEditorProvider(RUN_VIEW_TYPE, provider, {
    webviewOptions: { enableFindWidget: true },
    supportsMultipleEditorsPerDocument: false,
  });
}
