// Metric summaries as panels show them. Non-finite values travel as numbers (NaN, ±Infinity
// survive structured cloning).

export interface MetricSummaryView {
  key: string;
  count: number;
  nans: number;
  min: number;
  max: number;
  last: number;
  firstStep: number;
  lastStep: number;
}
