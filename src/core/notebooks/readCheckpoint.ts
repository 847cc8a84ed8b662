// Reads a checkpoint back for Open, Compare and Restore: the blob must still be there and
// still hash to its name, and hold a notebook; anything else is a clear error before the
// editor is touched.
import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { blobPath } from '../blobs';
import { diffSignatures, type ChangeSummary } from './cellDiff';
import type { CheckpointRecord } from './checkpointRecord';
import { notebookFingerprint } from './fingerprint';
import type { Notebook } from './nbformat';
import { NotebookFormatError, parseNotebook, readNotebookFile } from './parseNotebook';

export class CheckpointUnreadableError extends Error {
  override readonly name = 'CheckpointUnreadableError';
}

export interface CheckpointContent {
  bytes: Buffer;
  notebook: Notebook;
}

export async function readCheckpointBytes(root: string, record: Pick<CheckpointRecord, 'hash' | 'path'>): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(blobPath(root, record.hash));
  } catch {
    throw new CheckpointUnreadableError(`The stored copy of this checkpoint of ${record.path} (${record.hash.slice(0, 12)}) is missing from the blob store.`);
  }
  // Checked on the thread pool: a large checkpoint does not hold up the extension host.
  if (Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex') !== record.hash) {
    throw new CheckpointUnreadableError(`The stored copy of this checkpoint of ${record.path} is damaged (its content no longer matches its hash).`);
  }
  return bytes;
}

export async function readCheckpoint(root: string, record: Pick<CheckpointRecord, 'hash' | 'path'>): Promise<CheckpointContent> {
  const bytes = await readCheckpointBytes(root, record);
  try {
    return { bytes, notebook: parseNotebook(bytes.toString('utf8'), `The checkpoint of ${record.path}`) };
  } catch (err) {
    if (err instanceof NotebookFormatError) throw new CheckpointUnreadableError(err.message);
    throw err;
  }
}

export interface RestorePlan extends CheckpointContent {
  /** Cells from the notebook file as it is now (old) to the checkpoint (new); undefined when the file is not a readable notebook. */
  changes?: ChangeSummary;
  /** The checkpoint holds the same content as the file (outputs aside). */
  sameContent?: boolean;
}

/** The part of a restore that needs no editor: the checkpoint read and checked, and what it changes. */
export async function planRestore(root: string, record: Pick<CheckpointRecord, 'hash' | 'path'>, currentFile: string): Promise<RestorePlan> {
  const [content, current] = await Promise.all([readCheckpoint(root, record), readNotebookFile(currentFile).catch(() => undefined)]);
  if (!current) return content;
  const now = notebookFingerprint(current.notebook);
  const then = notebookFingerprint(content.notebook);
  return { ...content, changes: diffSignatures(now.cells, then.cells), sameContent: now.content === then.content };
}
