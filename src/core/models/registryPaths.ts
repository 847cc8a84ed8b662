// Where the model registry lives under a `.trackside` folder:
//   models/<name>/versions/<n>.json   one file per version, created once, never changed
//   models/<name>/events.jsonl        alias moves, append-only
//   models/<name>/gates.jsonl         verdicts of `trackside gate`, append-only
import { join } from 'node:path';
import { checkModelName } from './modelNames';

export function modelsDir(root: string): string {
  return join(root, 'models');
}

export function modelDir(root: string, name: string): string {
  return join(root, 'models', checkModelName(name));
}

export function versionsDir(root: string, name: string): string {
  return join(modelDir(root, name), 'versions');
}

export function versionFile(root: string, name: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) throw new Error(`invalid model version ${version}`);
  return join(versionsDir(root, name), `${version}.json`);
}

export function aliasLog(root: string, name: string): string {
  return join(modelDir(root, name), 'events.jsonl');
}

export function gateLog(root: string, name: string): string {
  return join(modelDir(root, name), 'gates.jsonl');
}

/** `<n>.json` → n, anything else → undefined. */
export function versionOfFileName(file: string): number | undefined {
  const m = /^([1-9]\d{0,14})\.json$/.exec(file);
  return m ? Number(m[1]) : undefined;
}
