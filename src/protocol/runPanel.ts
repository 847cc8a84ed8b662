// Messages between the host and the Run panel webview.
import type { RunView } from './runView';
import type { SeriesRequest, SeriesToWebview, XAxis } from './series';

export const RUN_VIEW_TYPE = 'trackside.run';

/** Chart controls shared by the Run and Compare panels. */
export interface ChartControls {
  xAxis: XAxis;
  /** EMA weight in [0, 1); 0 is off. */
  smoothing: number;
  logScale: boolean;
}

export type RunTab = 'overview' | 'metrics' | 'images' | 'artifacts' | 'datasets' | 'output' | 'code';

/** Kept by the webview with setState; the serializer reads `runId` back after a reload. */
export interface RunPanelState {
  runId: string;
  controls?: ChartControls;
  tab?: RunTab;
  /** Zoomed step ranges by metric key. */
  zoom?: Record<string, { xMin: number; xMax: number }>;
  /** Image step chosen per image key. */
  imageSteps?: Record<string, number>;
  outputQuery?: string;
}

export type ArtifactAction = 'open' | 'reveal' | 'copyPath' | 'saveAs';
export type CodeAction = 'open' | 'diff' | 'restore';

export type RunToWebview =
  /** Everything but the points; sent first and again whenever the run's index rows change. */
  | { type: 'run'; run: RunView }
  | SeriesToWebview
  /** The output log's tail; `reset` replaces what is shown, else `text` follows it. */
  | { type: 'output'; text: string; reset: boolean; truncated: boolean; exists: boolean }
  /** The run is not (or no longer) in the index. */
  | { type: 'missing'; runId: string };

export type RunFromWebview =
  /** The webview has loaded and listens; the host posts nothing before this. */
  | { type: 'ready' }
  | { type: 'requestSeries'; requestId: number; requests: SeriesRequest[] }
  | { type: 'editTags'; add: string[]; remove: string[] }
  | { type: 'editNote'; text: string }
  /** `file` names one file of a folder artifact. */
  | { type: 'artifact'; action: ArtifactAction; hash: string; file?: string }
  | { type: 'code'; action: CodeAction; path: string }
  | { type: 'openRun'; runId: string }
  /** Puts text (the run's command) on the clipboard. */
  | { type: 'copy'; text: string };
