import type { RunFilter } from '../core/display';

/** One run as the explorer lists it. */
export interface RunListItem {
  id: string;
  name: string;
  experiment: string;
  status: string;
  started: number;
  ended?: number | null;
  tags: string[];
  primary?: { key: string; value: number | null };
  /** Set when the run was started from the editor with a configuration that can run again. */
  rerunnable: boolean;
}

export interface RunDetails {
  params: Record<string, unknown>;
  command?: string;
  git?: { commit?: string; branch?: string; dirty?: boolean };
  note?: string;
  error?: string;
  exitCode?: number | null;
}

/** What the Run Explorer reads; the index service implements it over the SQLite index. */
export interface RunsSource {
  experiments(filter: RunFilter): { name: string; count: number }[];
  runs(experiment: string, filter: RunFilter, offset: number, limit: number): RunListItem[];
  /** One run, when it exists and passes the filter. */
  run(id: string, filter: RunFilter): RunListItem | undefined;
  details(id: string): RunDetails | undefined;
}
