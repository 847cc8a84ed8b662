// The Runs Table's rows by column: row i of every array is run ids[i]. Numbers are typed
// arrays (NaN where a run has no value), so 10,000 runs sort without boxing.
import type { RunStatusView } from './runView';

export type ParamColumn =
  | { key: string; kind: 'number'; values: Float64Array }
  | { key: string; kind: 'text'; values: (string | null)[] };

export interface MetricColumn {
  key: string;
  /** 1 where the run logged the metric (a NaN summary is then a real NaN). */
  has: Uint8Array;
  last: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

export interface TableData {
  ids: string[];
  /** Display names (the id when unnamed). */
  names: string[];
  status: RunStatusView[];
  experiment: (string | null)[];
  /** The sweep that started each run (its name); null for runs started on their own. */
  sweeps: (string | null)[];
  /** Unix ms; NaN when unknown. */
  started: Float64Array;
  duration: Float64Array;
  tags: string[][];
  notes: (string | null)[];
  params: ParamColumn[];
  metrics: MetricColumn[];
}
