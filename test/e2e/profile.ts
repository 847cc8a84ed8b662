// A fresh workspace, user-data dir and extensions dir per test, all under one temp root.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { codeServerDir } from './code-server.ts';
import { repoRoot } from './paths.ts';

export type Theme = 'Default Dark Modern' | 'Default Light Modern' | 'Default High Contrast' | (string & {});

export interface ProfileOptions {
  /** Folder copied into the workspace; default `sample/`. */
  workspaceFrom?: string;
  /** Extension folder linked into the extensions dir; default the repo root (env TRACKSIDE_E2E_EXTENSION overrides). */
  extensionPath?: string;
  /** Color theme of the window; default "Default Dark Modern". */
  theme?: Theme;
  /** User settings merged over the defaults. */
  settings?: Record<string, unknown>;
  /** Make the workspace a git repository with one commit. */
  git?: boolean;
  /** More extension folders linked next to the one under test (e.g. a test-only extension). */
  extraExtensions?: string[];
  /**
   * Install the extension from this VSIX with code-server's --install-extension, as users do,
   * instead of linking the checkout into the extensions dir.
   */
  vsix?: string;
  /** Environment variables for code-server, which passes them on to its extension host. */
  env?: Record<string, string>;
  /** Keep the sample's own `.vscode/` settings (its README opens at start); left out otherwise, so windows start empty. */
  sampleSettings?: boolean;
  /** Leave out `.trackside/`: a workspace Trackside has never seen (nothing activates it on startup by that folder). */
  fresh?: boolean;
}

export interface Profile {
  root: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  extensionId: string;
  env?: Record<string, string>;
}

// Quiet, offline, deterministic: no welcome page, tips, update or marketplace checks.
const baseSettings: Record<string, unknown> = {
  'trackside.pythonPath': '/usr/bin/python3',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  // No fade-outs: 1.139's quick input stays visible (fading) after it closed, in screenshots and to locators.
  'workbench.reduceMotion': 'on',
};

export function createProfile(opts: ProfileOptions = {}): Profile {
  const root = mkdtempSync(join(tmpdir(), 'trackside-e2e-'));
  const workspace = join(root, 'sample');
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');

  const from = opts.workspaceFrom ?? join(repoRoot, 'sample');
  mkdirSync(workspace);
  if (existsSync(from)) {
    const skip = ['.trackside', '__pycache__', ...(opts.sampleSettings ? [] : ['.vscode'])];
    cpSync(from, workspace, { recursive: true, filter: (src) => !skip.includes(basename(src)) });
  }
  // `workspaceContains:.trackside` is the activation event.
  if (!opts.fresh) mkdirSync(join(workspace, '.trackside'), { recursive: true });
  if (opts.git) initGit(workspace);

  const extensionPath = resolve(opts.extensionPath ?? process.env.TRACKSIDE_E2E_EXTENSION ?? repoRoot);
  const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; main?: string };
  const extensionId = `${manifest.publisher}.${manifest.name}`;
  mkdirSync(extensionsDir);
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  if (opts.vsix) {
    installVsix(opts.vsix, userDataDir, extensionsDir, extensionId);
  } else {
    if (manifest.main && !existsSync(join(extensionPath, manifest.main))) {
      throw new Error(`${join(extensionPath, manifest.main)} is missing: run \`npm run build\` first`);
    }
    // The server finds extensions as <publisher>.<name>-<version> folders; a symlink to the repo is enough.
    symlinkSync(extensionPath, join(extensionsDir, `${extensionId}-${manifest.version}`), 'dir');
  }
  for (const extra of opts.extraExtensions ?? []) linkExtension(resolve(extra), extensionsDir);

  const settings = { ...baseSettings, 'workbench.colorTheme': opts.theme ?? 'Default Dark Modern', ...opts.settings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  return { root, workspace, userDataDir, extensionsDir, extensionId, env: opts.env };
}

/** `code-server --install-extension file.vsix` into a fresh extensions dir; checks it landed. */
function installVsix(vsix: string, userDataDir: string, extensionsDir: string, extensionId: string): void {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const dir = codeServerDir();
  execFileSync(join(dir, 'node'), [join(dir, 'node_modules/code-server/out/node/entry.js'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', resolve(vsix)], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith(`${extensionId}-`));
  if (installed.length !== 1) throw new Error(`installing ${vsix} left ${readdirSync(extensionsDir).join(', ') || 'nothing'} in ${extensionsDir}`);
  if (lstatSync(join(extensionsDir, installed[0])).isSymbolicLink()) throw new Error('the VSIX install is a link, not a copy');
}

function linkExtension(path: string, extensionsDir: string): void {
  const m = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  symlinkSync(path, join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`), 'dir');
}

function initGit(cwd: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  // Run data is not source: keep it from making the tree dirty, without touching the workspace.
  appendFileSync(join(cwd, '.git', 'info', 'exclude'), '.trackside/\n');
  git('add', '-A');
  git('-c', 'user.name=Trackside Tests', '-c', 'user.email=tests@trackside.invalid', 'commit', '-q', '--allow-empty', '-m', 'sample');
}
