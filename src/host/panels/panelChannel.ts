// The host side of a panel's messages: nothing is posted before the webview says `ready`
// (posts wait in a queue), and a webview that was hidden and re-created (no
// retainContextWhenHidden) says `ready` again and gets everything anew. Live updates check
// `isReady` and skip rather than queue: the next `ready` sends the current picture anyway.
import type * as vscode from 'vscode';

export class PanelChannel<ToWebview, FromWebview extends { type: string }> implements vscode.Disposable {
  private ready = false;
  private queue: ToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    handlers: { ready: () => void; message: (m: FromWebview) => unknown; error: (err: unknown) => void },
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage(async (m: FromWebview) => {
        try {
          if (m?.type === 'ready') {
            this.ready = true;
            handlers.ready(); // the current picture first, then whatever waited for it
            const queued = this.queue;
            this.queue = [];
            for (const q of queued) void this.panel.webview.postMessage(q);
            return;
          }
          await handlers.message(m);
        } catch (err) {
          handlers.error(err);
        }
      }),
      panel.onDidChangeViewState(() => {
        // Hidden webviews are destroyed; the next `ready` starts over.
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  post(message: ToWebview): void {
    void this.postAndWait(message);
  }

  /** Resolves once VS Code has handed the message to the webview (queued: at once). */
  async postAndWait(message: ToWebview): Promise<void> {
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.queue = [];
  }
}
