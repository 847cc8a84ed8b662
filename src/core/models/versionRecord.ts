// A registry version file (models/<name>/versions/<n>.json): the `model` event of the run
// that logged it, with its version and the run id. Parsed with the event-log checks.
import { parseEventLine } from '../eventParse';
import type { ModelEvent } from '../events';
import { isValidRunId } from '../paths';

export interface VersionRecord extends ModelEvent {
  version: number;
  /** Id of the training run (a folder under runs/), when there is one. */
  run?: string;
  /** Who registered it: "client", "editor". */
  source?: string;
}

/** The record, or a message saying why the file is not one for (name, version). */
export function parseVersionRecord(text: string, name: string, version: number): VersionRecord | string {
  const parsed = parseEventLine(text.trim());
  if (typeof parsed === 'string') return parsed;
  if (parsed.type !== 'model') return `not a model record (type ${JSON.stringify(parsed.type)})`;
  const r = parsed as VersionRecord;
  if (r.name !== name) return `names model ${JSON.stringify(r.name)}, not ${JSON.stringify(name)}`;
  if (r.version !== version) return `says version ${String(r.version)}, not ${version}`;
  if (r.run !== undefined && r.run !== null && (typeof r.run !== 'string' || !isValidRunId(r.run))) return '"run" must be a run id';
  if (r.source !== undefined && r.source !== null && typeof r.source !== 'string') return '"source" must be a string';
  return r;
}
