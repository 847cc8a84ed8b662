import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { blobPath, isBlobHash } from '../../core/blobs';
import { readCheckpointBytes } from '../../core/notebooks/readCheckpoint';

export const BLOB_DOCUMENT_SCHEME = 'trackside-checkpoint';

/**
 * Read-only files for stored notebooks (checkpoints, executed notebooks of runs):
 * `trackside-checkpoint:/<label>/<name>.ipynb?<hash>`. A file system rather than a text
 * document provider, so an .ipynb opens in the notebook editor and the notebook diff editor.
 */
export class BlobDocuments implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly root: () => string) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined); // blobs never change
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const hash = uri.query;
    if (!isBlobHash(hash)) throw vscode.FileSystemError.FileNotFound(uri);
    const s = await fs.stat(blobPath(this.root(), hash)).catch(() => undefined);
    if (!s) throw vscode.FileSystemError.FileNotFound(uri);
    // Blobs never change: one fixed mtime keeps the editor from ever reloading them.
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: s.size, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const hash = uri.query;
    if (!isBlobHash(hash)) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      return await readCheckpointBytes(this.root(), { hash, path: uri.path.split('/').pop() ?? uri.path });
    } catch (err) {
      throw vscode.FileSystemError.Unavailable((err as Error).message);
    }
  }

  readDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.FileNotADirectory(uri);
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** `label` names the folder shown next to the tab title ("checkpoint Jun 3, 14:32"). */
export function blobDocumentUri(label: string, name: string, hash: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BLOB_DOCUMENT_SCHEME, path: `/${label.replace(/[/\\]/g, '-')}/${name}`, query: hash });
}
