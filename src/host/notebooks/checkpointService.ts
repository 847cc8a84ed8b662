import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CheckpointStore, type AddCheckpointOptions, type AddCheckpointResult } from '../../core/notebooks/checkpointStore';
import type { CheckpointRecord } from '../../core/notebooks/checkpointRecord';
import { checkpointSettings } from './checkpointSettings';
import { isNotebookFile, notebookPath } from './notebookFiles';

/**
 * The workspace's notebook checkpoints: taken on every save (off the save itself: the
 * listener only queues the work), on request, and for runs and restores; and what the
 * file on disk looked like when the editor last read or wrote it, so a restore can tell
 * whether something else changed it since.
 */
export class CheckpointService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the notebook path (workspace-relative) whose checkpoints changed. */
  readonly onDidChange = this.changed.event;
  private storeFor: { root: string; store: CheckpointStore } | undefined;
  private readonly quietSaves = new Set<string>();
  private readonly diskStamps = new Map<string, string>();

  constructor(
    private readonly rootPath: () => string,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidSaveNotebookDocument((doc) => this.saved(doc)),
      vscode.workspace.onDidOpenNotebookDocument((doc) => this.stamp(doc.uri)),
      vscode.workspace.onDidCloseNotebookDocument((doc) => this.diskStamps.delete(doc.uri.toString())),
    );
    for (const doc of vscode.workspace.notebookDocuments) this.stamp(doc.uri);
  }

  get store(): CheckpointStore {
    const root = this.rootPath();
    if (this.storeFor?.root !== root) this.storeFor = { root, store: new CheckpointStore(root) };
    return this.storeFor.store;
  }

  list(uri: vscode.Uri): CheckpointRecord[] {
    return this.store.list(notebookPath(uri));
  }

  /** Checkpoints the notebook file as it is on disk. */
  async take(uri: vscode.Uri, opts: AddCheckpointOptions): Promise<AddCheckpointResult> {
    const path = notebookPath(uri);
    const result = await this.store.add(path, uri.fsPath, opts);
    if (result.added) this.changed.fire(path);
    return result;
  }

  async remove(uri: vscode.Uri, ids: readonly string[]): Promise<void> {
    const path = notebookPath(uri);
    await this.store.remove(path, ids);
    this.changed.fire(path);
  }

  /**
   * Saves a dirty notebook without an automatic checkpoint of that save (the caller takes its
   * own); `always`: right after an edit, whose dirty state may not have reached the document yet.
   */
  async saveQuietly(doc: vscode.NotebookDocument, always = false): Promise<boolean> {
    if (!doc.isDirty && !always) return true;
    const key = doc.uri.toString();
    this.quietSaves.add(key);
    const saved = await doc.save();
    // The save event may come before or after save() resolves; either way it is this one.
    setTimeout(() => this.quietSaves.delete(key), saved ? 2_000 : 0);
    return saved;
  }

  /** Whether the file on disk changed since the editor last opened or saved it. */
  changedOnDisk(uri: vscode.Uri): boolean {
    const before = this.diskStamps.get(uri.toString());
    return before !== undefined && before !== diskStamp(uri);
  }

  private stamp(uri: vscode.Uri): void {
    if (!isNotebookFile(uri)) return;
    const s = diskStamp(uri);
    if (s !== undefined) this.diskStamps.set(uri.toString(), s);
  }

  private saved(doc: vscode.NotebookDocument): void {
    if (!isNotebookFile(doc.uri)) return;
    this.stamp(doc.uri);
    if (this.quietSaves.delete(doc.uri.toString())) return;
    const s = checkpointSettings(doc.uri);
    if (!s.automatic) return;
    // Not awaited: the save is done; the checkpoint follows on its own time.
    setImmediate(() => {
      this.take(doc.uri, { kind: 'auto', skipUnchanged: true, countOutputOnly: s.countOutputOnlyChanges, keepAutomatic: s.keepAutomatic }).then(
        (r) => {
          if (r.skipped) this.log.appendLine(`checkpoint of ${notebookPath(doc.uri)} skipped: ${r.skipped === 'identical' ? 'same content as the latest' : 'only outputs changed'}`);
        },
        (err) => this.log.appendLine(`checkpoint of ${doc.uri.fsPath} failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function diskStamp(uri: vscode.Uri): string | undefined {
  try {
    const s = fs.statSync(uri.fsPath);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}
