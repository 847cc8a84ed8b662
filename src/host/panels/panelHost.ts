// The one base of every Trackside webview panel (Run, Compare, Runs Table, Model, Sweep): its
// page (strict CSP, the bundled script by nonce), its typed channel, errors reported one way,
// one dispose; and the open panels of a kind, brought back after a reload by their saved state.
import * as vscode from 'vscode';
import type { Methods, ReplyOf, RequestOf } from '../../protocol/request';
import { PanelChannel } from './panelChannel';
import { panelHtml } from './panelHtml';

export interface PanelBase {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.OutputChannel;
}

export interface PanelPage {
  /** The bundled script, dist/webview/<script>.js. */
  script: 'run' | 'compare' | 'table' | 'sweep' | 'model';
  title: string;
  /** Stylesheets after media/panels.css, relative to the extension. */
  styles?: string[];
  /** Folders besides the extension's own the webview may load from (the blob store's images). */
  resourceRoots?: vscode.Uri[];
}

/** A new panel of `viewType` in `column`, with the find widget. */
export function createPanel(viewType: string, title: string, column: vscode.ViewColumn): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, { viewColumn: column, preserveFocus: false }, { enableFindWidget: true });
}

/** Only the bundled webview code, the stylesheets and the page's own folders. */
function showPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: PanelPage): void {
  const webview = panel.webview;
  const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media, ...(page.resourceRoots ?? [])] };
  panel.iconPath = vscode.Uri.joinPath(media, 'trackside.svg');
  webview.html = panelHtml({
    title: page.title,
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${page.script}.js`)).toString(),
    styleUris: ['media/panels.css', ...(page.styles ?? [])].map((s) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, s)).toString()),
  });
}

/** A failed panel action: logged with its stack, and told to the user. */
export function reportError(log: vscode.OutputChannel, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.appendLine(`[panel] ${err instanceof Error && err.stack ? err.stack : message}`);
  void vscode.window.showErrorMessage(`Trackside: ${message}`);
}

/** A request's own failure, told to the webview as the method's error (not reported). */
export class Refusal<E extends { message: string }> extends Error {
  constructor(readonly error: E) {
    super(error.message);
  }
}

/** Per method, how the host answers it. */
export type Answers<R extends Methods> = { [M in keyof R & string]: (params: R[M]['params']) => Promise<R[M]['value']> };

export abstract class PanelHost<ToWebview, FromWebview extends { type: string }> implements vscode.Disposable {
  protected readonly channel: PanelChannel<ToWebview, FromWebview>;
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  protected isDisposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly base: PanelBase,
    page: PanelPage,
  ) {
    showPage(panel, base.extensionUri, page);
    this.channel = new PanelChannel<ToWebview, FromWebview>(panel, {
      ready: () => this.onReady(),
      message: (m) => this.onMessage(m),
      error: (err) => this.report(err),
    });
    this.disposables.push(this.channel, panel.onDidDispose(() => this.dispose()));
  }

  /** The webview (re)loaded: send it the whole picture. */
  protected abstract onReady(): void;

  protected abstract onMessage(m: FromWebview): Promise<void>;

  protected report(err: unknown): void {
    reportError(this.base.log, err);
  }

  /** Answers a webview's request: the value, the method's error (a `Refusal`), or `{ message }` of an unexpected failure (reported). */
  protected async answer<R extends Methods>(m: RequestOf<R>, answers: Answers<R>): Promise<void> {
    let reply: ReplyOf<R>;
    try {
      reply = { type: 'reply', id: m.id, method: m.method, value: await answers[m.method](m.params) } as ReplyOf<R>;
    } catch (err) {
      if (!(err instanceof Refusal)) this.report(err);
      const error = err instanceof Refusal ? (err.error as { message: string }) : { message: err instanceof Error ? err.message : String(err) };
      reply = { type: 'reply', id: m.id, method: m.method, error } as ReplyOf<R>;
    }
    // The panel's messages to its webview include its replies.
    if (!this.isDisposed) this.channel.post(reply as ToWebview);
  }

  /** Starts `work` without waiting; a failure is reported. */
  protected start(work: () => Promise<unknown>): void {
    void work().catch((err: unknown) => this.report(err));
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** What the panel holds beyond its disposables (timers, a child process). */
  protected onDispose(): void {}

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.onDispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}

/**
 * The open panels of one kind by key (a run's id, a model version …): a panel opened for a
 * key replaces the one there, a closed one leaves; after a reload VS Code hands back each
 * panel with the state its webview saved, and `restore` makes it again (or declines).
 */
export class OpenPanels<P extends PanelHost<unknown, { type: string }>> implements vscode.Disposable {
  private readonly open = new Map<string, P>();
  private readonly serializer: vscode.Disposable | undefined;

  constructor(
    private readonly keyOf: (p: P) => string,
    restore?: { viewType: string; panel(panel: vscode.WebviewPanel, state: unknown): P | undefined },
  ) {
    this.serializer =
      restore &&
      vscode.window.registerWebviewPanelSerializer(restore.viewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const p = restore.panel(panel, state);
          if (p) this.add(p);
          else panel.dispose();
        },
      });
  }

  get(key: string): P | undefined {
    return this.open.get(key);
  }

  values(): P[] {
    return [...this.open.values()];
  }

  add(p: P): P {
    const key = this.keyOf(p);
    this.open.get(key)?.dispose();
    this.open.set(key, p);
    p.onDidDispose(() => {
      if (this.open.get(key) === p) this.open.delete(key);
    });
    return p;
  }

  dispose(): void {
    for (const p of this.values()) p.dispose();
    this.serializer?.dispose();
  }
}
