// Messages between the host and the Model panel webview (one panel per model version).
import type { GateRecord } from '../core/models/gateQueries';
import type { VersionReport } from '../core/models/versionReport';

export const MODEL_VIEW_TYPE = 'trackside.model';

/** Kept by the webview with setState; the serializer reads name and version back. */
export interface ModelPanelState {
  name: string;
  version: number;
  /** Evaluations whose drift table is open. */
  openDrift?: string[];
}

export interface VersionChoice {
  version: number;
  aliases: string[];
}

export type ModelToWebview =
  /** Everything the panel shows; sent after `ready` and whenever the version's data changes. */
  | { type: 'report'; report: VersionReport; versions: VersionChoice[]; gates: GateRecord[] }
  /** The version is not (or no longer) in the registry. */
  | { type: 'missing'; name: string; version: number };

export type ModelFromWebview =
  | { type: 'ready' }
  | { type: 'openRun'; runId: string }
  | { type: 'openVersion'; version: number }
  | { type: 'setAlias' }
  /** A gate verdict's report (by its line in the model's gate log), in the Markdown preview. */
  | { type: 'openGateReport'; line: number }
  /** The CI run of a verdict (http and https only). */
  | { type: 'openUrl'; url: string };
