// What a panel shows of one run: plain data built by the host from the index, shared by the
// Run and Compare panels. Image and blob locations are webview URIs made by the host.
import type { RunStatus } from '../core/events';
import type { MetricSummaryView } from './metricView';

export type RunStatusView = RunStatus;

export type ParamValueView = string | number | boolean | null;

export interface FileView {
  path: string;
  hash: string;
  size: number;
}

export interface ArtifactView {
  name: string;
  kind: string;
  hash: string;
  size: number;
  source: string | null;
  t: number | null;
  files: FileView[];
}

export interface ImageView {
  key: string;
  step: number;
  hash: string;
  format: string;
  width: number | null;
  height: number | null;
  /** Webview URI of the blob. */
  src: string;
}

export interface DatasetView {
  name: string;
  path: string;
  hash: string;
  size: number;
  files: FileView[];
  /** Other runs that logged a dataset with the same hash (newest first, a few). */
  sameAs: { id: string; name: string }[];
}

export interface RunView {
  id: string;
  /** Display name (the id when the run was never named). */
  name: string;
  experiment: string | null;
  status: RunStatusView;
  exitCode: number | null;
  error: string | null;
  started: number | null;
  ended: number | null;
  duration: number | null;
  note: string | null;
  tags: string[];
  command: string | null;
  cwd: string | null;
  script: string | null;
  git: { commit: string | null; branch: string | null; dirty: boolean | null } | null;
  python: { executable: string | null; version: string | null } | null;
  host: string | null;
  params: Record<string, ParamValueView>;
  metrics: MetricSummaryView[];
  artifacts: ArtifactView[];
  images: ImageView[];
  datasets: DatasetView[];
  code: FileView[];
  /** Malformed event lines skipped while reading the run's log. */
  badLines: number;
  /**
   * Set when the run cannot be edited here (a team run): where its tags, note and name are
   * edited instead. The panel then shows them without edit controls.
   */
  editedElsewhere?: string;
}
