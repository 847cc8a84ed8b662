// Messages between the host and the Compare panel webview.
import type { ChartControls } from './runPanel';
import type { RunView } from './runView';
import type { AppendedPoints, SeriesData, SeriesRequest } from './series';

export const COMPARE_VIEW_TYPE = 'trackside.compare';

export interface ComparePanelState {
  /** In the order chosen. */
  runIds: string[];
  /** Color slot of each run, kept while it stays in the comparison. */
  slots?: Record<string, number>;
  controls?: ChartControls;
  showAllParams?: boolean;
  zoom?: Record<string, { xMin: number; xMax: number }>;
  imageKey?: string;
  imageStep?: number;
  hidden?: string[];
}

export type CompareToWebview =
  /** The runs (in `runIds` order, missing ones left out); sent again when any changes. */
  | { type: 'runs'; runs: RunView[]; missing: string[] }
  | { type: 'series'; requestId: number; series: SeriesData[] }
  /** A series request could not be answered: the charts of these keys show why. */
  | { type: 'seriesError'; requestId: number; keys: string[]; message: string }
  | { type: 'append'; points: AppendedPoints[] };

export type CompareFromWebview =
  | { type: 'ready' }
  | { type: 'requestSeries'; requestId: number; requests: SeriesRequest[] }
  | { type: 'openRun'; runId: string }
  /** Diff one code file between two runs' snapshots. */
  | { type: 'diffCode'; path: string; left: string; right: string }
  | { type: 'removeRun'; runId: string };
