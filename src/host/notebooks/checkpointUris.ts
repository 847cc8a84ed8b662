import * as path from 'node:path';
import type * as vscode from 'vscode';
import { checkpointTime } from '../../core/notebooks/checkpointLabels';
import type { CheckpointRecord } from '../../core/notebooks/checkpointRecord';
import { blobDocumentUri } from './blobDocuments';

/** The read-only notebook of a checkpoint: `trackside-checkpoint:/checkpoint Jun 3, 14.32/explore.ipynb?<hash>`. */
export function checkpointDocumentUri(record: CheckpointRecord): vscode.Uri {
  return blobDocumentUri(`checkpoint ${checkpointTime(record.t).replace(/:/g, '.')}`, path.posix.basename(record.path), record.hash);
}
