// The flat meta.yaml files MLflow's file store writes (yaml.safe_dump of a dict of scalars):
// `key: value` lines, values plain, 'single-quoted' or "double-quoted", long ones folded onto
// indented continuation lines. Nested values are not needed and come back as null.

export type YamlScalar = string | number | boolean | null;

function scalar(text: string): YamlScalar {
  const s = text.trim();
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
  if (/^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (s === '[]' || s === '{}') return null;
  return s;
}

export function parseFlatYaml(text: string): Record<string, YamlScalar> {
  const out: Record<string, YamlScalar> = {};
  const raw: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (/^\s/.test(line) && raw.length) {
      // A folded continuation (or a nested block, which is then not a scalar).
      raw[raw.length - 1][1] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([^:\s][^:]*):(?:\s+(.*)|)$/.exec(line);
    if (m) raw.push([m[1].trim(), m[2] ?? '']);
  }
  for (const [k, v] of raw) out[k] = scalar(v);
  return out;
}
