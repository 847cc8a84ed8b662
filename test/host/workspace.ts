// The extension under test and its workspace, as the host tests see them.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunDetail } from '../../src/core/runQueries';
import type { TracksideApi } from '../../src/extension';
import type { App } from '../../src/host/app';
import type { ExplorerNode } from '../../src/host/runExplorer';
import { waitFor, type WaitOptions } from '../e2e/wait.ts';

export { waitFor };

export const EXTENSION_ID = 'trackside.trackside';

export function extension(): vscode.Extension<TracksideApi> {
  const ext = vscode.extensions.getExtension<TracksideApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

/** The extension's App, activating it when the activation event has not fired yet. */
export async function tracksideApp(): Promise<App> {
  const api = await extension().activate();
  if (!api?.app) throw new Error(`${EXTENSION_ID} activated without exporting { app }`);
  return api.app;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the host tests need a workspace folder open');
  return folder.uri.fsPath;
}

/** A new empty folder inside the workspace (runs must start from a workspace file). */
export function freshDir(name: string): string {
  const parent = join(workspaceDir(), 'host-tests');
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, `${name}-`));
}

export function writeScript(dir: string, name: string, code: string): vscode.Uri {
  const file = join(dir, name);
  writeFileSync(file, code.replace(/^\n/, ''));
  return vscode.Uri.file(file);
}

export function runIds(app: App): string[] {
  try {
    return readdirSync(join(app.index.root, 'runs')).sort();
  } catch {
    return [];
  }
}

/** Runs `start`, then returns the one run folder it created. */
export async function startedRun(app: App, start: () => Thenable<unknown>): Promise<string> {
  const before = new Set(runIds(app));
  await start();
  const created = await waitFor(() => {
    const fresh = runIds(app).filter((id) => !before.has(id));
    return fresh.length > 0 && fresh;
  }, { message: 'a new run folder', timeout: 10_000 });
  if (created.length !== 1) throw new Error(`expected one new run, got ${created.join(', ')}`);
  return created[0];
}

export function run(app: App, id: string): Promise<RunDetail | undefined> {
  return app.index.call('getRun', id);
}

/** Waits until the index has run `id` and `ok(run)` holds. */
export function waitForRun(app: App, id: string, ok: (r: RunDetail) => boolean, opts: WaitOptions = {}): Promise<RunDetail> {
  return waitFor(async () => {
    const r = await run(app, id);
    return r && ok(r) ? r : undefined;
  }, { message: `run ${id} in the index to match ${ok.toString()}`, timeout: 30_000, ...opts });
}

export function events(app: App, id: string): Record<string, unknown>[] {
  return readFileSync(join(app.index.root, 'runs', id, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export type RunNode = ExplorerNode & { kind: 'run' };

/** Every run node the Run Explorer's tree data provider lists now (all groups expanded). */
export async function explorerRuns(app: App): Promise<RunNode[]> {
  return (await app.explorer.listAll()).filter((n): n is RunNode => n.kind === 'run');
}

export async function explorerRun(app: App, id: string): Promise<RunNode | undefined> {
  return (await explorerRuns(app)).find((n) => n.run.id === id);
}
