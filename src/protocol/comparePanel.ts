// Messages between the host and the Compare panel webview.
import type { ChartControls } from './runPanel';
import type { RunView } from './runView';
import type { SeriesRequest, SeriesToWebview } from './series';

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
  /** How large the images are shown side by side. */
  imageSize?: ImageSize;
  hidden?: string[];
  /** Sections the user folded (`params`, `summaries`, …). */
  collapsed?: string[];
}

export const IMAGE_SIZES = ['small', 'medium', 'large', 'natural'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export type CompareToWebview =
  /** The runs (in `runIds` order, missing ones left out); sent again when any changes. */
  | { type: 'runs'; runs: RunView[]; missing: string[] }
  | SeriesToWebview;

export type CompareFromWebview =
  | { type: 'ready' }
  | { type: 'requestSeries'; requestId: number; requests: SeriesRequest[] }
  | { type: 'openRun'; runId: string }
  /** Diff one code file between two runs' snapshots. */
  | { type: 'diffCode'; path: string; left: string; right: string }
  | { type: 'removeRun'; runId: string };
