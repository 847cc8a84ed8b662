// End-to-end harness: the extension in a real VS Code (code-server) driven through Chromium.
//
//   e2eTest('shows runs', async (vs) => {
//     await vs.openView('Trackside');
//     await vs.runCommand('Trackside: Start Tracked Run');
//   });
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { test } from 'node:test';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultVSCodeVersion, resultsSuffix, startCodeServer, vscodeVersion } from './code-server.ts';
import type { CodeServer } from './code-server.ts';
import { logsDir } from './paths.ts';
import { createProfile } from './profile.ts';
import type { Profile, ProfileOptions } from './profile.ts';
import { waitFor, waitForFile } from './wait.ts';
import type { FileWaitOptions, WaitOptions } from './wait.ts';
import { Workbench } from './workbench.ts';

export { waitFor, waitForFile };
export type { FileWaitOptions, WaitOptions };

export interface LaunchOptions extends ProfileOptions {
  /** Names the log folder `test-results/logs/<name>/` (`<name>-vscode-<version>` on a non-default VS Code). */
  name?: string;
  /** Default timeout of every wait, ms. */
  timeout?: number;
  viewport?: { width: number; height: number };
}

// Flags checked on this machine; sandboxing needs user namespaces, which root in a container lacks.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const open = new Set<VSCode>();
// A test that times out never reaches dispose(): keep its logs and remove its temp dirs anyway
// (code-server.ts kills the server in its own exit handler, registered before this one).
process.on('exit', () => {
  for (const vs of open) vs.keepLogsAndRemoveDirs();
});

export class VSCode extends Workbench {
  private disposed = false;

  constructor(
    page: Workbench['page'],
    private readonly browser: Browser,
    readonly profile: Profile,
    private readonly server: CodeServer,
    readonly logDir: string,
    timeout: number,
  ) {
    super(page, profile.extensionId, timeout);
    open.add(this);
  }

  get workspace(): string {
    return this.profile.workspace;
  }

  get url(): string {
    return this.server.url;
  }

  /** Polls the filesystem until `path` (relative to the workspace, or absolute) exists. */
  waitForFile(path: string, opts?: FileWaitOptions): Promise<string> {
    return waitForFile(path.startsWith('/') ? path : join(this.workspace, path), { timeout: this.timeout, ...opts });
  }

  /** Text of the extension host's logs so far (remote extension host and extension output channels). */
  extensionHostLog(): string {
    const root = join(this.profile.userDataDir, 'logs');
    if (!existsSync(root)) return '';
    return readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.includes('exthost') && f.endsWith('.log'))
      .sort()
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
  }

  /** What a failed test leaves behind: open toasts, the quick input, the Trackside log's tail. */
  async failureReport(): Promise<string> {
    const texts = async (selector: string): Promise<string[]> =>
      (await this.page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
    const root = join(this.profile.userDataDir, 'logs');
    const trackside = existsSync(root)
      ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('Trackside.log')).map((f) => readFileSync(join(root, f), 'utf8')).join('\n')
      : '';
    return [
      '── failure report ──',
      `toasts: ${JSON.stringify(await texts('.notifications-toasts .notification-toast'))}`,
      `quick input: ${JSON.stringify(await texts('.quick-input-widget:visible'))}`,
      'Trackside log (last 40 lines):',
      ...trackside.trimEnd().split('\n').slice(-40).map((l) => `  ${l}`),
    ].join('\n');
  }

  /** Waits until the extension host has activated the extension under test. */
  waitForActivation(opts: WaitOptions = {}): Promise<true> {
    const id = this.extensionId;
    return waitFor(() => new RegExp(`ExtensionService#_doActivateExtension ${id.replace('.', '\\.')}\\b`).test(this.extensionHostLog()), {
      timeout: this.timeout,
      message: `activation of ${id}`,
      ...opts,
    });
  }

  /** Closes Chromium, stops code-server (its whole process group), keeps the logs, removes temp dirs. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    this.keepLogsAndRemoveDirs();
  }

  /** Copies VS Code's logs (extension host included) to the log dir, removes the temp dirs. */
  keepLogsAndRemoveDirs(): void {
    if (!open.delete(this)) return;
    const vscodeLogs = join(this.profile.userDataDir, 'logs');
    if (existsSync(vscodeLogs)) cpSync(vscodeLogs, join(this.logDir, 'vscode'), { recursive: true });
    removeWorkspace(this.profile.root);
  }
}

/**
 * Runs outlive their window by design, so a test can end while one of its runs (a sweep trial
 * being stopped, say) still writes into the workspace: end those first, then remove it.
 */
function removeWorkspace(root: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (cwd === root || cwd.startsWith(`${root}/`)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 5 });
}

/** Starts code-server on a fresh profile and opens the workspace in Chromium. */
export async function launch(opts: LaunchOptions = {}): Promise<VSCode> {
  const timeout = opts.timeout ?? 30_000;
  const logDir = join(logsDir, slug(opts.name ?? 'e2e') + resultsSuffix());
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const profile = createProfile(opts);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      ...profile,
      configFile: join(profile.root, 'code-server.yaml'),
      logFile: join(logDir, 'code-server.log'),
    });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
    const browserLog = join(logDir, 'browser.log');
    page.on('console', (m) => appendFileSync(browserLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(browserLog, `[pageerror] ${e.stack ?? e.message}\n`));
    const vs = new VSCode(page, browser, profile, server, logDir, timeout);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(profile.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: Math.max(timeout, 60_000) });
    return vs;
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeWorkspace(profile.root);
    throw err;
  }
}

export interface E2ETestOptions extends LaunchOptions {
  /** Whole-test timeout, ms (default 180 s). */
  testTimeout?: number;
  /** A known bug this test still shows: it runs and is reported, its failure does not fail the suite. */
  knownBug?: string;
}

/**
 * A node:test test with its own VS Code. On failure a screenshot `FAILED-<name>.png` is saved
 * next to the others; code-server, browser and extension host logs are in test-results/logs/<name>/.
 */
export function e2eTest(name: string, fn: (vs: VSCode) => Promise<void>): void;
export function e2eTest(name: string, opts: E2ETestOptions, fn: (vs: VSCode) => Promise<void>): void;
export function e2eTest(name: string, a: E2ETestOptions | ((vs: VSCode) => Promise<void>), b?: (vs: VSCode) => Promise<void>): void {
  const opts = typeof a === 'function' ? {} : a;
  const fn = typeof a === 'function' ? a : b!;
  const version = vscodeVersion();
  const title = version === defaultVSCodeVersion ? name : `${name} [VS Code ${version}]`;
  test(title, { timeout: opts.testTimeout ?? 180_000, todo: opts.knownBug }, async () => {
    const vs = await launch({ name, ...opts });
    try {
      await fn(vs);
    } catch (err) {
      await vs.screenshot(`FAILED-${slug(opts.name ?? name)}`).catch(() => undefined);
      // CI keeps only the output: say there what the window showed and what the extension logged.
      console.log(await vs.failureReport().catch((e: Error) => `(no failure report: ${e.message})`));
      throw err;
    } finally {
      await vs.dispose();
    }
  });
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'e2e';
}
