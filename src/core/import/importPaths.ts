// Import entry point: finds every store under each path (findStores.ts: TensorBoard logs,
// MLflow file stores and databases, Trackside archives, at any depth) and imports each, all
// into one report. A path or store that cannot be read is reported by its path and the others
// still imported. Importing the same paths again brings in only what was added since.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { importArchive } from './importArchive';
import { importMlflowDb } from './importMlflowDb';
import { importMlflowFolder } from './importMlflowFiles';
import { importTensorboard } from './importTensorboard';
import { type ImportOptions, type ImportReport, emptyImportReport } from './importTypes';
import { MAX_DEPTH, findStores } from './findStores';
import { removeStaleStaging } from './stagingCleanup';
import { TarFormatError } from './tarReader';


/** Imports each path into the `.trackside` folder `root`. Cancelled (opts.signal), it stops and reports what was written. */
export async function importPaths(root: string, paths: readonly string[], opts: ImportOptions = {}): Promise<ImportReport> {
  const report = emptyImportReport();
  removeStaleStaging(root);
  for (const p of paths) {
    const path = resolve(p);
    try {
      opts.signal?.throwIfAborted();
      if (!existsSync(path)) {
        report.errors.push({ path, message: 'no such file or folder' });
        continue;
      }
      const isDir = statSync(path).isDirectory();
      const within = isDir ? path : dirname(path);
      const found = findStores(path);
      report.errors.push(...found.problems);
      report.warnings.push(...found.warnings);
      if (!found.stores.length) {
        if (!found.problems.length) report.errors.push({ path, message: `no TensorBoard event files, MLflow store (mlruns/ or a database) or Trackside archive found here or in its folders (${MAX_DEPTH} levels down)` });
        continue;
      }
      for (const store of found.stores) {
        opts.signal?.throwIfAborted();
        try {
          if (store.kind === 'tensorboard') {
            const inside = [...found.inside];
            await importTensorboard(root, store.path, opts, report, (dir) => inside.some((d) => dir === d || dir.startsWith(d + sep)));
          } else if (store.kind === 'mlflow-folder') await importMlflowFolder(root, store.path, opts, report, within);
          else if (store.kind === 'mlflow-db') await importMlflowDb(root, store.path, opts, report, within);
          else await importArchive(root, store.path, opts, report);
        } catch (e) {
          if ((e as Error).name === 'AbortError') throw e;
          if (e instanceof TarFormatError && store.path !== path && /not a Trackside archive|not a tar archive/.test(e.message)) {
            report.skipped.push({ path: store.path, reason: 'not a Trackside archive' });
            continue;
          }
          report.errors.push({ path: store.path, message: (e as Error).message });
        }
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') {
        report.cancelled = true;
        return report;
      }
      report.errors.push({ path, message: (e as Error).message });
    }
  }
  return report;
}
