// Stores a notebook file as a blob and fingerprints it, reading it once. The SHA-256 runs on
// the thread pool (WebCrypto) while this thread parses the notebook, so a save of a large
// notebook blocks the extension host only for the parse. Files too large to parse are still
// stored (streamed, never held in memory) without a fingerprint.
import { webcrypto } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { putFile, putHashed } from '../blobs';
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
  const hashing = webcrypto.subtle.digest('SHA-256', bytes);
  let fingerprint: NotebookFingerprint | undefined;
  let unreadable: string | undefined;
  try {
    fingerprint = notebookFingerprint(parseNotebook(bytes.toString('utf8'), basename(file)));
  } catch (err) {
    if (!(err instanceof NotebookFormatError)) throw err;
    unreadable = err.message;
  }
  const hash = Buffer.from(await hashing).toString('hex');
  await putHashed(root, bytes, hash);
  return { hash, size: bytes.length, ...(fingerprint ? { fingerprint } : {}), ...(unreadable ? { unreadable } : {}) };
}

