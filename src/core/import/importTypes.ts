// What an import reports, and how a caller follows and cancels it.

export type ImportFormat = 'tensorboard' | 'mlflow' | 'archive';

export const FORMAT_NAMES: Record<ImportFormat, string> = { tensorboard: 'TensorBoard', mlflow: 'MLflow', archive: 'Trackside archive' };

export interface ImportProgress {
  /** The file or folder being read. */
  path: string;
  /** Runs written so far in this import. */
  runs: number;
  /** Metric points written so far. */
  points: number;
}

export interface ImportOptions {
  /** Experiment for runs whose source has none (TensorBoard); default: the folder's name. */
  experiment?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Cancels between records; runs already written stay (and are in the report). */
  signal?: AbortSignal;
  /**
   * A source file changed this recently (ms) is still being written: its incomplete tail is
   * not reported, and is read by the next import. Default 10 s.
   */
  recentMs?: number;
  /** The clock (for tests). */
  now?: () => number;
}

/** Default of ImportOptions.recentMs. */
export const RECENT_MS = 10_000;

/** Whether a file modified at `mtimeMs` is still being written. */
export function isRecent(mtimeMs: number, opts: ImportOptions): boolean {
  return (opts.now?.() ?? Date.now()) - mtimeMs < (opts.recentMs ?? RECENT_MS);
}

export interface ImportedRun {
  id: string;
  name: string | null;
  format: ImportFormat;
  /** What the run was made from: the same origin is never imported twice. */
  origin: string;
  points: number;
}

export interface ImportReport {
  imported: ImportedRun[];
  /** Runs imported before that got what was added to their source since (`points` new ones). */
  updated: ImportedRun[];
  /** Runs found that an earlier import already brought in, unchanged since. */
  alreadyPresent: { id: string; origin: string }[];
  /** Files, runs or stores that could not be read (skipped whole or in part), with why. */
  errors: { path: string; message: string }[];
  /** Read, but with something missing or left out on purpose (a meta.yaml, a cut tail, a link outside the import), with what. */
  warnings: { path: string; message: string }[];
  /** Things deliberately left out (e.g. runs deleted in MLflow), with why. */
  skipped: { path: string; reason: string }[];
  /** Metric points written (new runs and updates). */
  points: number;
  /** The import was cancelled: what is listed was written, the rest was not. */
  cancelled: boolean;
}

export function emptyImportReport(): ImportReport {
  return { imported: [], updated: [], alreadyPresent: [], errors: [], warnings: [], skipped: [], points: 0, cancelled: false };
}
