// Blobs into the team folder (<team>/blobs/sha256/ab/cdef…, the layout of a .trackside
// folder): each hash copied once, to a temp name beside its place and then renamed, so a
// reader never sees half a file and two pushers of one blob both end with the same bytes.
import { constants } from 'node:fs';
import { access, copyFile } from 'node:fs/promises';
import { blobPath, isBlobHash, writeBeside } from '../blobs';

export interface BlobCopyReport {
  copied: number;
  /** Named by an event but not in this workspace's store (left out). */
  missing: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the blobs `hashes` names from the local `.trackside` folder to the team folder, those
 * the team folder lacks. `known` remembers hashes already there across calls.
 */
export async function copyBlobs(localRoot: string, teamFolder: string, hashes: Iterable<string>, known: Set<string>, report: BlobCopyReport): Promise<void> {
  for (const raw of hashes) {
    const hash = raw.toLowerCase();
    if (known.has(hash) || !isBlobHash(hash)) continue;
    const target = blobPath(teamFolder, hash);
    if (await exists(target)) {
      known.add(hash);
      continue;
    }
    const source = blobPath(localRoot, hash);
    if (!(await exists(source))) {
      if (!report.missing.includes(hash)) report.missing.push(hash);
      continue;
    }
    await writeBeside(target, (tmp) => copyFile(source, tmp));
    known.add(hash);
    report.copied++;
  }
}
