// Restores one file of a run's code snapshot into the workspace. The file it replaces is
// stored as a blob first and logged to the run as a `backup` artifact (named
// before-restore/<path>), so the version on disk before the restore is never lost and shows
// in the run's artifacts. Pure: no editor API; the caller asks the user and re-ingests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blobPath, putFile } from './blobs';
import { runDir } from './paths';
import { appendEvent } from './runner/eventLog';

/** `target` must already be a checked path inside the workspace (see safePaths.inside). */
export async function restoreFile(root: string, runId: string, relPath: string, hash: string, target: string): Promise<{ backup?: string }> {
  const source = blobPath(root, hash);
  if (!fs.existsSync(source)) throw new Error(`The stored copy of ${relPath} is missing from the blob store.`);
  let backup: string | undefined;
  if (fs.existsSync(target)) {
    const kept = await putFile(root, target);
    appendEvent(runDir(root, runId), { type: 'artifact', name: `before-restore/${relPath}`, kind: 'backup', hash: kept.hash, size: kept.size, source: relPath });
    backup = kept.hash;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  return { backup };
}
