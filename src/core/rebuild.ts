// Rebuild: the index is only an index. Delete it and read every run folder again.
import { unlinkSync } from 'node:fs';
import { type IngestOptions, type IngestReport, ingestAll } from './ingest';
import { indexPath } from './paths';
import { openIndex } from './store';

/**
 * Deletes `<root>/index.db` (with its -wal and -shm files) and ingests every run folder
 * into a fresh one. Close every open connection to the index first.
 */
export function rebuild(root: string, opts: IngestOptions = {}): IngestReport {
  const file = indexPath(root);
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) removeIfThere(f);
  const store = openIndex(root);
  try {
    return ingestAll(store, opts);
  } finally {
    store.close();
  }
}

/** unlink, not rm: Node 24's rmSync reports a read-only file system without an error code. */
function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
