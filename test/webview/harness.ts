// Serves a built panel (dist/webview/<panel>.js) in the same HTML and CSP the extension uses,
// in headless Chromium, with a fake host: `acquireVsCodeApi` is stubbed so the webview's
// messages come here, and messages from the tests go to the webview as the host's would.
// Themes are the variables captured from a real VS Code (themes/*.json).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/host/panels/panelHtml';
import { repoRoot, screenshotsDir } from '../e2e/paths';

export type ThemeName = 'dark' | 'light' | 'high-contrast';
export const THEMES: ThemeName[] = ['dark', 'light', 'high-contrast'];
export type PanelName = 'run' | 'compare' | 'table' | 'model' | 'sweep';

/** Each panel's stylesheets, as the extension gives them (model.css is bundled with its script). */
const PANEL_STYLES: Record<PanelName, string[]> = {
  run: ['/media/panels.css'],
  compare: ['/media/panels.css'],
  table: ['/media/panels.css', '/media/table.css'],
  model: ['/media/panels.css', '/dist/webview/model.css'],
  sweep: ['/media/panels.css', '/media/sweep.css'],
};

interface CapturedTheme {
  bodyClass: string;
  themeKind: string;
  themeName: string;
  defaultStyles: string;
  vars: Record<string, string>;
}

const themesDir = join(repoRoot, 'test/webview/themes');
const themes = Object.fromEntries(THEMES.map((t) => [t, JSON.parse(readFileSync(join(themesDir, `${t}.json`), 'utf8')) as CapturedTheme])) as Record<ThemeName, CapturedTheme>;

/** Every theme's variables scoped by its body class (switching themes = switching the class), then VS Code's default styles. */
function themeCss(): string {
  const blocks = THEMES.map((t) => {
    const th = themes[t];
    const decls = Object.entries(th.vars).map(([k, v]) => `  ${k}: ${v};`).join('\n');
    return `body.${th.bodyClass.split(/\s+/).join('.')} {\n${decls}\n}`;
  });
  return `${blocks.join('\n')}\n${themes.dark.defaultStyles}`;
}

const MIME: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export class Harness {
  private server!: Server;
  private browser!: Browser;
  origin = '';
  /** The `.trackside` folder whose blobs/ is served (images). */
  blobRoot = '';
  /** Host messages waiting for their page to fetch them, by id. */
  private readonly messages = new Map<string, Buffer>();
  private nextMessage = 0;

  /** Where the panel scripts are served from (default dist/webview; the bench builds minified ones). */
  webviewDir = join(repoRoot, 'dist/webview');

  static async start(opts: { webviewDir?: string } = {}): Promise<Harness> {
    const h = new Harness();
    if (opts.webviewDir) h.webviewDir = opts.webviewDir;
    await h.listen();
    h.browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
    return h;
  }

  private listen(): Promise<void> {
    const css = themeCss();
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.origin);
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      const panel = /^\/panel\/(run|compare|table|model|sweep)$/.exec(url.pathname);
      if (panel) {
        const theme = themes[(url.searchParams.get('theme') as ThemeName) ?? 'dark'] ?? themes.dark;
        const html = panelHtml({
          title: `Trackside ${panel[1]}`,
          cspSource: this.origin,
          scriptUri: `/dist/webview/${panel[1]}.js`,
          styleUris: ['/theme.css', ...PANEL_STYLES[panel[1] as PanelName]],
        })
          // The harness's message transport (below) is the one connection the page may open.
          .replace("default-src 'none'", `default-src 'none'; connect-src ${this.origin}/msg/`)
          .replace('<body>', `<body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.themeKind}" data-vscode-theme-name="${theme.themeName}">`);
        return send(200, 'text/html', html);
      }
      if (url.pathname === '/theme.css') return send(200, 'text/css', css);
      const msg = /^\/msg\/(\d+)$/.exec(url.pathname);
      if (msg) {
        const body = this.messages.get(msg[1]);
        this.messages.delete(msg[1]);
        return body ? send(200, 'application/octet-stream', body) : send(404, 'text/plain', 'no such message');
      }
      if (url.pathname === '/favicon.ico') return send(204, 'text/plain', '');
      const path = normalize(decodeURIComponent(url.pathname));
      const roots = [this.webviewDir, join(repoRoot, 'media'), ...(this.blobRoot ? [join(this.blobRoot, 'blobs')] : [])];
      const file = path.startsWith('/blobs/') ? join(this.blobRoot, path) : path.startsWith('/dist/webview/') ? join(this.webviewDir, path.slice('/dist/webview/'.length)) : join(repoRoot, path);
      if (!roots.some((r) => resolve(file).startsWith(r + '/')) || !existsSync(file)) return send(404, 'text/plain', 'not found');
      // Blobs have no extension: served as VS Code serves them, as bytes.
      send(200, MIME[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    });
    return new Promise((ok) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address();
        this.origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
        ok();
      }),
    );
  }

  /** The URL a blob is shown from (what asWebviewUri gives in VS Code). */
  /** Where the page finds the blob store (the panels' blobBase). */
  get blobBase(): string {
    return `${this.origin}/blobs`;
  }

  /**
   * `initScript` runs in the page before the panel's script (the benchmark's probes);
   * `onMessage` hears the webview from its first message, as a host does (open returns once
   * the page has loaded); `navigating` is called as the page starts loading (when a host
   * creates the panel).
   */
  async open<In, Out extends { type: string }>(
    panel: PanelName,
    opts: { theme?: ThemeName; state?: unknown; viewport?: { width: number; height: number }; initScript?: string; onMessage?: (m: Out, page: PanelPage<In, Out>) => void; navigating?: () => void } = {},
  ): Promise<PanelPage<In, Out>> {
    const page = await this.browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 860 } });
    const p = new PanelPage<In, Out>(page, panel, (body) => {
      const id = String(this.nextMessage++);
      this.messages.set(id, body);
      return id;
    });
    await p.init(opts.state);
    const onMessage = opts.onMessage;
    if (onMessage) p.onMessage((m) => onMessage(m, p));
    if (opts.initScript) await page.addInitScript(opts.initScript);
    opts.navigating?.();
    await page.goto(`${this.origin}/panel/${panel}?theme=${opts.theme ?? 'dark'}`);
    return p;
  }

  async stop(): Promise<void> {
    this.messages.clear();
    await this.browser?.close().catch(() => undefined);
    await new Promise<void>((ok) => this.server?.close(() => ok()));
  }
}

/**
 * Runs in the page before the panel's script: `acquireVsCodeApi` posting to the test, the
 * state kept here, CSP violations reported, and a way in for host messages (fetched from the
 * harness's server: typed arrays as bytes, as VS Code carries them).
 */
const FAKE_VSCODE_API = `function (initial) {
  let state = initial === null ? undefined : initial;
  document.addEventListener('securitypolicyviolation', (e) => window.__tracksideCsp(e.violatedDirective + ': ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__tracksideToHost(m),
    getState: () => state,
    setState: (s) => { state = s; window.__tracksideSetState(s); },
  });
  // As VS Code carries a host message: JSON, with each typed array's bytes beside it (each
  // revived as its own buffer; NaN outside typed arrays becomes null, as in JSON).
  // Fetched at once, dispatched in the order posted.
  let previous = Promise.resolve();
  window.__tracksideFromHost = (id) => {
    const fetched = fetch('/msg/' + id).then((r) => r.arrayBuffer());
    return (previous = previous.then(async () => {
      const body = await fetched;
      const n = new DataView(body).getUint32(0, true);
      const base = 4 + n;
      const arrays = new Map();
      const message = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, n)), (_k, v) => {
        if (!v || typeof v.__typed !== 'string') return v;
        if (!arrays.has(v.offset)) arrays.set(v.offset, new globalThis[v.__typed](body.slice(base + v.offset, base + v.offset + v.bytes)));
        return arrays.get(v.offset);
      });
      window.postMessage(message, '*');
    }));
  };
}`;

/**
 * A host message as the page fetches it: [JSON length][JSON][typed arrays' bytes]. A typed
 * array is a reference into the bytes; one that appears twice (a series' steps as its
 * lastSteps) crosses once.
 */
function encode(message: unknown): Buffer {
  const arrays: Buffer[] = [];
  const offsets = new Map<unknown, number>();
  let bytes = 0;
  const json = JSON.stringify(message, (_k, v: unknown) => {
    if (!ArrayBuffer.isView(v)) return v;
    let offset = offsets.get(v);
    if (offset === undefined) {
      offsets.set(v, (offset = bytes));
      arrays.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      bytes += v.byteLength;
    }
    return { __typed: v.constructor.name, offset, bytes: v.byteLength };
  });
  const head = Buffer.from(json);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  return Buffer.concat([size, head, ...arrays]);
}

export class PanelPage<In, Out extends { type: string }> {
  /** Messages the webview posted, in order. */
  readonly received: Out[] = [];
  state: unknown;
  readonly cspViolations: string[] = [];
  readonly errors: string[] = [];
  readonly dialogs: string[] = [];
  private waiters: (() => void)[] = [];
  private listeners: ((m: Out) => void)[] = [];

  constructor(
    readonly page: Page,
    readonly panel: PanelName,
    /** Keeps a message's bytes for the page to fetch; its id. */
    private readonly deposit: (body: Buffer) => string,
  ) {}

  async init(state: unknown): Promise<void> {
    this.state = state;
    const page = this.page;
    page.on('pageerror', (e) => this.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    page.on('dialog', (d) => {
      this.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.exposeFunction('__tracksideToHost', (m: Out) => {
      this.received.push(m);
      for (const l of this.listeners) l(m);
      for (const w of this.waiters.splice(0)) w();
    });
    await page.exposeFunction('__tracksideSetState', (s: unknown) => {
      this.state = s;
    });
    await page.exposeFunction('__tracksideCsp', (v: string) => this.cspViolations.push(v));
    // A string, not a function: tsx would wrap a function's inner helpers in its own __name().
    await page.addInitScript(`(${FAKE_VSCODE_API})(${JSON.stringify(state ?? null)})`);
  }

  /** Calls `fn` for every message the webview posted so far and posts from now on (a fake host's handler). */
  onMessage(fn: (m: Out) => void): void {
    for (const m of this.received) fn(m);
    this.listeners.push(fn);
  }

  /** Posts a host message to the webview. */
  async post(message: In): Promise<void> {
    if (this.closed) return; // a fake host answering a page the test already closed
    const id = this.deposit(encode(message));
    await this.page.evaluate((m) => (window as unknown as { __tracksideFromHost(id: string): Promise<void> }).__tracksideFromHost(m), id).catch((err: unknown) => {
      if (!this.closed) throw err;
    });
  }

  /** Waits until the webview has posted a message matching `match` (counting from `from`); returns it. */
  async waitForMessage<T extends Out['type']>(type: T, match: (m: Extract<Out, { type: T }>) => boolean = () => true, opts: { from?: number; timeout?: number } = {}): Promise<Extract<Out, { type: T }>> {
    const deadline = performance.now() + (opts.timeout ?? 15_000);
    for (;;) {
      const found = this.received.slice(opts.from ?? 0).find((m): m is Extract<Out, { type: T }> => m.type === type && match(m as Extract<Out, { type: T }>));
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no "${type}" message from the ${this.panel} webview; got ${this.received.map((m) => m.type).join(', ') || 'nothing'}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
  }

  async setTheme(theme: ThemeName): Promise<void> {
    const th = themes[theme];
    await this.page.evaluate(
      ([cls, kind, name]) => {
        document.body.className = cls;
        document.body.dataset.vscodeThemeKind = kind;
        document.body.dataset.vscodeThemeName = name;
      },
      [th.bodyClass, th.themeKind, th.themeName],
    );
  }

  async screenshot(name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
    mkdirSync(screenshotsDir, { recursive: true });
    const path = join(screenshotsDir, `${name}.png`);
    await this.page.screenshot({ path, fullPage: opts.fullPage ?? false });
    return path;
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    await this.page.close();
  }
}
