// The Run Explorer's rows as the index worker answers them.

/** The group of runs logged without an experiment. */
export const NO_EXPERIMENT = '(no experiment)';

/** The metric shown per run: the experiment's pinned key, else `fallback` (empty: the index's pick). */
export interface PrimaryChoice {
  pinned: Record<string, string>;
  fallback: string;
}

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
  /** Runs nested under this one (MLflow child runs, say), listed when it is expanded. */
  children: number;
  /** The run this one is nested under, when it is listed under it. */
  parent?: string;
}

export interface RunDetails {
  params: Record<string, unknown>;
  command?: string;
  git?: { commit?: string; branch?: string; dirty?: boolean };
  note?: string;
  error?: string;
  exitCode?: number | null;
}

export interface ExperimentGroup {
  name: string;
  count: number;
}
