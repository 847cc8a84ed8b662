// Chart data as it crosses the webview boundary: min/max buckets of one metric series (or
// raw points when a series is small), as typed arrays so a 1000-bucket series is a few
// flat buffers, not thousands of objects.

/** What a chart's x axis shows. */
export type XAxis = 'step' | 'epoch' | 'relative' | 'wall';

export const X_AXES: readonly XAxis[] = ['step', 'epoch', 'relative', 'wall'];

/** A step range to show (inclusive); both ends absent means the whole series. */
export interface StepRange {
  xMin?: number;
  xMax?: number;
}

/**
 * One series sized to a chart: bucket i covers steps [steps[i], lastSteps[i]]. When `exact`
 * every bucket is one point (min = max = first = last = its value).
 */
export interface SeriesData {
  runId: string;
  key: string;
  exact: boolean;
  /** Points the buckets cover. */
  points: number;
  steps: Float64Array;
  lastSteps: Float64Array;
  /** Over non-NaN values; NaN when every value of the bucket is NaN. */
  min: Float64Array;
  max: Float64Array;
  first: Float64Array;
  last: Float64Array;
  /** Points per bucket. */
  counts: Float64Array;
  /** Unix ms and epoch (NaN when none was logged) at each bucket's first and last step. */
  t: Float64Array;
  lastT: Float64Array;
  epochs: Float64Array;
  lastEpochs: Float64Array;
  /** The range asked for; absent for the whole series. */
  range?: StepRange;
  /** For the whole series: where it ended when read (live updates continue from there). */
  end?: SeriesCursor;
}

/** A place in a series: a step and the sequence of a value at it (values at one step count 0, 1, …). */
export interface SeriesCursor {
  step: number;
  seq: number;
}

/** Raw points logged after a series was sent (live runs). */
export interface AppendedPoints {
  runId: string;
  key: string;
  steps: Float64Array;
  values: Float64Array;
  t: Float64Array;
  epochs: Float64Array;
}

/** A chart asks for one series at its own pixel width, optionally zoomed. */
export interface SeriesRequest extends StepRange {
  runId: string;
  key: string;
  /** Buckets wanted: about the chart's plot width in pixels. */
  buckets: number;
}

/**
 * What a panel with charts (Run, Compare) is sent about its series. A stream, not a request's
 * one reply (src/protocol/request.ts): each key's series comes as soon as it is read, and a
 * live run's are sent again unasked.
 */
export type SeriesToWebview =
  /** Answers a requestSeries, one message per metric key (requestId -1: a live run's resend). */
  | { type: 'series'; requestId: number; series: SeriesData[] }
  /** A series request could not be answered: the charts of these keys show why. */
  | { type: 'seriesError'; requestId: number; keys: string[]; message: string }
  /** Points logged since the series were sent (live runs). */
  | { type: 'append'; points: AppendedPoints[] };
