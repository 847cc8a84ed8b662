// Stores a notebook file as a blob and fingerprints it, reading it once. Files too large to
// parse are still stored (streamed, never held in memory) without a fingerprint.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { putBytes, putFile } from '../blobs';
import { notebookFingerprint, type NotebookFingerprint } from './fingerprint';
import { MAX_NOTEBOOK_BYTES, NotebookFormatError, parseNotebook, tooLarge } from './parseNotebook';

export interface CapturedNotebook {
  hash: string;
  size: number;
  fingerprint?: NotebookFingerprint;
  /** Why there is no fingerprint. */
  unreadable?: string;
}

export async function captureNotebook(root: string, file: string, maxParseBytes = MAX_NOTEBOOK_BYTES): Promise<CapturedNotebook> {
  const { size } = await stat(file);
  if (size > maxParseBytes) {
    const stored = await putFile(root, file);
    return { ...stored, unreadable: tooLarge(basename(file), stored.size, maxParseBytes).message };
  }
  const bytes = await readFile(file);
  const stored = await putBytes(root, bytes);
  try {
    return { ...stored, fingerprint: notebookFingerprint(parseNotebook(bytes.toString('utf8'), basename(file))) };
  } catch (err) {
    if (err instanceof NotebookFormatError) return { ...stored, unreadable: err.message };
    throw err;
  }
}
