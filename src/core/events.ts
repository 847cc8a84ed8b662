// The run folder's event log (events.jsonl), version 1: one JSON object per line.
// This file is the contract between the Python client (src/python/trackside) and the
// TypeScript reader; the contract test runs the real client against the real reader.
//
// Run folder: <root>/.trackside/runs/<run-id>/
//   meta.json     {"version":1,"id","created"} written once when the folder is made
//   events.jsonl  this log, append-only
//   files/        run-local files: output.log (the process output tail), notebook.ipynb …
// Blobs: <root>/.trackside/blobs/sha256/<first 2 hex>/<remaining 62 hex>, written once
// (temp file + rename), identical content stored once.
//
// Run ids: "YYYYMMDD-HHMMSS-<6 hex>" (UTC), so names sort by start time.

/** A JSON number, or one of the strings the client writes for non-finite values. */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export type ParamValue = string | number | boolean | null;

/**
 * Every status a run can have; the Python client's list is trackside/statuses.py.
 * `pruned`: a sweep's early termination stopped the run (its metric was behind the others').
 */
export const RUN_STATUSES = ['running', 'finished', 'failed', 'stopped', 'crashed', 'pruned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The statuses that end a run (all but `running`). */
export const ENDED_STATUSES: ReadonlySet<string> = new Set<RunStatus>(RUN_STATUSES.filter((s) => s !== 'running'));

export interface FileEntry {
  /** Path relative to the logged root (POSIX separators). */
  path: string;
  /** SHA-256 hex of the content. */
  hash: string;
  size: number;
}

interface Base {
  /** Unix time in milliseconds. */
  t: number;
}

/**
 * Run start. Several `run` events may appear (the editor writes one before the process
 * starts, the client adds one when it attaches): fields present in a later event win,
 * `params` merge.
 */
export interface RunEvent extends Base {
  type: 'run';
  name?: string;
  experiment?: string;
  /** argv as run, or a shell string. */
  command?: string[] | string;
  cwd?: string;
  script?: string;
  git?: { commit?: string; branch?: string; dirty?: boolean; diff?: string /* blob hash */ };
  python?: { executable?: string; version?: string };
  host?: string;
  pid?: number;
  params?: Record<string, ParamValue>;
  tags?: string[];
  note?: string;
  /** Who wrote it: "client" (Python), "editor" (the extension), "import". */
  source?: string;
  /** Evaluation / job kind, model reference and the like; kept as given. */
  job?: string;
  /** Id of the run this one is nested under (e.g. an MLflow parent run, imported). */
  parent?: string;
  /** The sweep that started it (.trackside/sweeps/<id>) and its trial there. */
  sweep?: { id: string; name: string; trial: number };
}

export interface ParamsEvent extends Base {
  type: 'params';
  values: Record<string, ParamValue>;
}

/** One step of one or more metric keys. */
export interface MetricsEvent extends Base {
  type: 'metrics';
  step: number;
  epoch?: number;
  values: Record<string, MetricValue>;
}

export interface ArtifactEvent extends Base {
  type: 'artifact';
  name: string;
  kind: string; // "file" | "model" | "data" | any
  /** File: the blob hash. Folder: the hash of its manifest (sorted "hash  size  path" lines). */
  hash: string;
  size: number;
  /** Present for folders: every file, each stored as a blob. */
  files?: FileEntry[];
  /** Where it came from, as logged (for display only: never used as a write target). */
  source?: string;
}

export interface ImageEvent extends Base {
  type: 'image';
  key: string;
  step: number;
  hash: string;
  format: 'png' | 'jpeg' | 'svg';
  size: number;
  width?: number;
  height?: number;
}

export interface DatasetEvent extends Base {
  type: 'dataset';
  name: string;
  /** As logged (display only). */
  path: string;
  /** Total hash: SHA-256 of the sorted "hash  size  path" lines (a single file: its own hash). */
  hash: string;
  size: number;
  files: FileEntry[];
  /** Optional per-column summaries for tabular files (later issue). */
  columns?: unknown;
}

/** A code snapshot: files stored as blobs. */
export interface CodeEvent extends Base {
  type: 'code';
  files: FileEntry[];
  /** Workspace root the paths are relative to, as seen by the writer. */
  root?: string;
}

export interface TagsEvent extends Base {
  type: 'tags';
  add?: string[];
  remove?: string[];
}

export interface NoteEvent extends Base {
  type: 'note';
  text: string;
}

export interface RenameEvent extends Base {
  type: 'rename';
  name: string;
}

/** Hardware samples; stored as metrics under sys/<key>, stepped per sample. */
export interface SysEvent extends Base {
  type: 'sys';
  values: Record<string, MetricValue>;
}

export interface StatusEvent extends Base {
  type: 'status';
  status: RunStatus;
  exit_code?: number | null;
  /** Traceback or reason, for failed/crashed runs. */
  error?: string;
}

export interface DeletedEvent extends Base {
  type: 'deleted';
  /** false restores a deleted run. */
  deleted: boolean;
}

/**
 * A model version logged by a training run (`run.log_model`). The version number is claimed
 * in the registry first (models/<name>/versions/<version>.json holds this same object plus
 * "run"); the event keeps the run folder self-contained. See src/core/models/README.md.
 */
export interface ModelEvent extends Base {
  type: 'model';
  /** Model name: letters, digits, "_", "-", "." (see src/core/models/modelNames.ts). */
  name: string;
  /** The version claimed in the registry. */
  version?: number;
  /** Weights: a file's blob hash, or a folder's manifest hash (then `files` lists them). */
  hash: string;
  size: number;
  files?: FileEntry[];
  /** Base name of the logged weights file or folder (where a fetch puts them). */
  weights?: string;
  /** Inference / preprocessing code, each file a blob. */
  code: FileEntry[];
  metadata?: Record<string, unknown>;
  /** The datasets the run had logged when it logged the model (its training data). */
  datasets?: { name: string; hash: string }[];
}

/** The model version an evaluation run evaluates, resolved when it started. */
export interface ModelRefEvent extends Base {
  type: 'model_ref';
  name: string;
  version: number;
  /** As asked for: "churn@production", "churn@3". */
  ref?: string;
  /** Weights hash of that version. */
  hash?: string;
}

/**
 * An alias of a model moved to a version, or removed. These live in the model's own log,
 * models/<name>/events.jsonl, never in a run's; a run log's alias lines are ignored.
 */
export interface AliasEvent extends Base {
  type: 'alias';
  alias: string;
  /** Required unless `removed`. */
  version?: number;
  removed?: boolean;
  /** Moved by `trackside gate --promote`: its verdict, the commit and the CI run's URL. */
  gate?: GateVerdict;
  commit?: string;
  url?: string;
}

export type GateVerdict = 'pass' | 'fail';

/**
 * A verdict of `trackside gate`, one line in the model's gate log,
 * models/<name>/gates.jsonl (never in a run's log; see src/core/gate/README.md).
 */
export interface GateEvent extends Base {
  type: 'gate';
  mode: 'compare' | 'degradation';
  verdict: GateVerdict;
  /** The version judged: the candidate, or the version re-evaluated (degradation). */
  version: number;
  /** compare: the version it was held to, and how it was named ("@production"). */
  baseline?: number;
  baseline_ref?: string;
  /** Hash of the evaluation data set. */
  dataset?: string;
  /** The evaluation run judged. */
  evaluation?: string;
  /** One line, e.g. "auc +0.0079, log_loss -0.0067". */
  summary: string;
  reasons: string[];
  /** Blob hash of the Markdown report. */
  report?: string;
  /** The alias moved to `version` on this pass. */
  promoted?: string;
  commit?: string;
  url?: string;
}

export type RunLogEvent =
  | RunEvent
  | ParamsEvent
  | MetricsEvent
  | ArtifactEvent
  | ImageEvent
  | DatasetEvent
  | CodeEvent
  | TagsEvent
  | NoteEvent
  | RenameEvent
  | SysEvent
  | StatusEvent
  | DeletedEvent
  | ModelEvent
  | ModelRefEvent
  | AliasEvent
  | GateEvent;

export type RunLogEventType = RunLogEvent['type'];

export const EVENT_LOG_VERSION = 1;
