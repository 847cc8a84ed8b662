// Import entry point: works out what each path is (a TensorBoard log folder or event file, an
// MLflow mlruns folder or mlflow.db, a Trackside archive) and imports it. A path that cannot be
// read is reported and the others still imported.
import { readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { importArchive } from './importArchive';
import { importMlflowDb, isMlflowDb } from './importMlflowDb';
import { importMlflowFolder, isMlflowFolder } from './importMlflowFiles';
import { importTensorboard, isEventFile } from './importTensorboard';
import { type ImportFormat, type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import { TarFormatError } from './tarReader';

/** What a path holds, or undefined when it is none of the importable kinds. */
export function detectFormat(path: string): 'tensorboard' | 'mlflow-folder' | 'mlflow-db' | 'archive' | undefined {
  const st = statSync(path);
  if (st.isDirectory()) {
    if (isMlflowFolder(path)) return 'mlflow-folder';
    const hasEvents = (dir: string, depth: number): boolean =>
      readdirSync(dir, { withFileTypes: true }).some(
        (d) => (d.isFile() && isEventFile(d.name)) || (d.isDirectory() && depth < 8 && !d.name.startsWith('.') && hasEvents(`${dir}/${d.name}`, depth + 1)),
      );
    return hasEvents(path, 0) ? 'tensorboard' : undefined;
  }
  if (isEventFile(basename(path))) return 'tensorboard';
  if (isMlflowDb(path)) return 'mlflow-db';
  return 'archive';
}

export const FORMAT_NAMES: Record<ImportFormat, string> = { tensorboard: 'TensorBoard', mlflow: 'MLflow', archive: 'Trackside archive' };

/** Imports each path into the `.trackside` folder `root`. Cancelled (opts.signal), it stops and reports what was written. */
export async function importPaths(root: string, paths: readonly string[], opts: ImportOptions = {}): Promise<ImportReport> {
  const report = emptyImportReport();
  for (const p of paths) {
    const path = resolve(p);
    try {
      opts.signal?.throwIfAborted();
      const kind = detectFormat(path);
      if (!kind) {
        report.errors.push({ path, message: 'no TensorBoard event files, MLflow runs or Trackside archive found here' });
        continue;
      }
      if (kind === 'tensorboard') await importTensorboard(root, path, opts, report);
      else if (kind === 'mlflow-folder') await importMlflowFolder(root, path, opts, report);
      else if (kind === 'mlflow-db') await importMlflowDb(root, path, opts, report);
      else await importArchive(root, path, opts, report);
    } catch (e) {
      if ((e as Error).name === 'AbortError') {
        report.cancelled = true;
        return report;
      }
      const message =
        e instanceof TarFormatError ? `not a TensorBoard event file, mlflow.db or Trackside archive (${e.message})` : (e as Error).message;
      report.errors.push({ path, message });
    }
  }
  return report;
}
