// What an import reports, and how a caller follows and cancels it.

export type ImportFormat = 'tensorboard' | 'mlflow' | 'archive';

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
  /** Runs found that an earlier import already brought in. */
  alreadyPresent: { id: string; origin: string }[];
  /** Files or runs that could not be read (skipped), with why. */
  errors: { path: string; message: string }[];
  /** Things deliberately left out (e.g. runs deleted in MLflow), with why. */
  skipped: { path: string; reason: string }[];
  points: number;
  /** The import was cancelled: what is listed was written, the rest was not. */
  cancelled: boolean;
}

export function emptyImportReport(): ImportReport {
  return { imported: [], alreadyPresent: [], errors: [], skipped: [], points: 0, cancelled: false };
}
