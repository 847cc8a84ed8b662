import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { blobPath, isBlobHash } from '../core/blobs';

export const SNAPSHOT_SCHEME = 'trackside-snapshot';

/**
 * Read-only documents for stored blobs: `trackside-snapshot:/<run-id>/<path>?<hash>`, so the
 * tab shows the file's own name and language while the content comes from the blob store.
 */
export class SnapshotDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly rootFor: (uri: vscode.Uri) => string | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const hash = uri.query;
    const root = this.rootFor(uri);
    if (!root || !isBlobHash(hash)) throw new Error(`Not a stored snapshot: ${uri.toString()}`);
    const file = blobPath(root, hash);
    if (!fs.existsSync(file)) throw new Error(`The stored copy of ${uri.path} (${hash.slice(0, 12)}) is missing from the blob store.`);
    return fs.readFileSync(file, 'utf8');
  }
}

export function snapshotUri(runId: string, relPath: string, hash: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${runId}/${relPath}`, query: hash });
}
