// The degradation rule the Model panel draws, for the command line: the workspace's
// .vscode/settings.json (trackside.degradationTolerance and trackside.degradationOverrides),
// so a pipeline and the editor judge a model alike.
import { dirname, join } from 'node:path';
import { DEFAULT_TOLERANCE, type DegradationSettings, type MetricRule } from '../models/degradation';
import { readSmallFile } from '../regularFile';

/** JSON with comments and trailing commas (VS Code's settings files) as plain JSON. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '}' || c === ']') {
      let j = out.length - 1;
      while (j >= 0 && /\s/.test(out[j])) j--;
      if (out[j] === ',') out = out.slice(0, j) + out.slice(j + 1); // a trailing comma
      out += c;
    } else out += c;
  }
  return out;
}

/** The workspace folder of a .trackside folder: the folder holding it. */
export function workspaceOf(root: string): string {
  return dirname(root);
}

/** Settings from `<workspace>/.vscode/settings.json`; defaults when absent. Throws on a file that does not parse. */
export function degradationSettingsOf(workspace: string): DegradationSettings {
  const text = readSmallFile(join(workspace, '.vscode', 'settings.json'), 1 << 20);
  if (text === undefined) return { tolerance: DEFAULT_TOLERANCE, overrides: {} };
  const all = JSON.parse(stripJsonComments(text)) as Record<string, unknown>;
  const t = all['trackside.degradationTolerance'];
  const raw = all['trackside.degradationOverrides'];
  const overrides: Record<string, MetricRule> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [key, rule] of Object.entries(raw as Record<string, MetricRule>)) {
      if (typeof rule !== 'object' || rule === null) continue;
      overrides[key] = {
        ...(typeof rule.tolerance === 'number' && rule.tolerance >= 0 ? { tolerance: rule.tolerance } : {}),
        ...(rule.direction === 'higher' || rule.direction === 'lower' ? { direction: rule.direction } : {}),
      };
    }
  }
  return { tolerance: typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : DEFAULT_TOLERANCE, overrides };
}
