// What the run panels (Run, Compare, Runs Table, Sweep) need from the extension.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { PanelBase } from './panelHost';

export interface PanelContext extends PanelBase {
  /** The `.trackside` folder. */
  readonly root: string;
  /** The index (asked through its worker). */
  readonly index: IndexService;
  /** Runs whose index rows changed. */
  readonly onDidChange: vscode.Event<{ ids: string[]; all: boolean }>;
  folder(): vscode.WorkspaceFolder | undefined;
  openRun(id: string): Promise<void>;
  /** Keeps the run's preview panel open (pins it). */
  pinRun(id: string): Promise<void>;
  compareRuns(ids: string[]): Promise<void>;
}

/** The blob store, where a run panel's images load from. */
export function blobFolder(ctx: PanelContext): vscode.Uri {
  return vscode.Uri.file(path.join(ctx.root, 'blobs'));
}
