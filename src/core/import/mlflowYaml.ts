// MLflow's meta.yaml files, read with a YAML library: PyYAML's safe_dump writes them (YAML
// 1.1 rules: it quotes any string that would read back as a number, boolean or null), so
// they are parsed by those same rules. A file that is not a YAML mapping is an error with
// a reason, never its raw text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type MetaYaml = Record<string, unknown>;

export class MetaYamlError extends Error {}

export function parseMetaYaml(text: string): MetaYaml {
  let doc: unknown;
  try {
    doc = parse(text, { version: '1.1', uniqueKeys: false, maxAliasCount: 100, prettyErrors: false });
  } catch (e) {
    throw new MetaYamlError(`meta.yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new MetaYamlError('meta.yaml is not a YAML mapping');
  return doc as MetaYaml;
}

/** A folder's meta.yaml: undefined when there is none; throws MetaYamlError when it cannot be read. */
export function readMetaYaml(dir: string): MetaYaml | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'meta.yaml'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new MetaYamlError(`meta.yaml cannot be read: ${(e as Error).message}`);
  }
  return parseMetaYaml(text);
}

/** A string field ("" and missing → null); numbers are written back as text. */
export function metaString(m: MetaYaml | undefined, key: string): string | null {
  const v = m?.[key];
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

/** A whole-number field (times in ms, status codes), also when written as a quoted string. */
export function metaInt(m: MetaYaml | undefined, key: string): number | null {
  const v = m?.[key];
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return Number(v);
  return null;
}
