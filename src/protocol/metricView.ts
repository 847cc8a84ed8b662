// Metric summaries as panels show them. Non-finite values are kept (see wireNumber).
import type { WireNumber } from './wireNumber';

export interface MetricSummaryView {
  key: string;
  count: number;
  nans: number;
  min: WireNumber;
  max: WireNumber;
  last: WireNumber;
  firstStep: number;
  lastStep: number;
  /** Unix ms the latest value was logged (absent where the source does not say). */
  t?: number | null;
}
