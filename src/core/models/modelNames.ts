// Model names, alias names and references ("churn@production", "churn@3", "churn").
// Names become folder names under .trackside/models/, so only a safe set of characters is
// allowed; an alias made of digits only would read as a version number.

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The alias every model has without setting it: its highest version. */
export const LATEST = 'latest';

export function isValidModelName(name: string): boolean {
  return NAME_RE.test(name);
}

export function isValidAlias(alias: string): boolean {
  return NAME_RE.test(alias) && !/^\d+$/.test(alias);
}

export function checkModelName(name: string): string {
  if (!isValidModelName(name)) {
    throw new Error(`invalid model name ${JSON.stringify(name)}: use letters, digits, "_", "-" and "." (up to 100, not starting with "_", "-" or ".")`);
  }
  return name;
}

/** An alias that can be set by hand ("latest" is computed, never stored). */
export function checkAlias(alias: string): string {
  if (!isValidAlias(alias)) {
    throw new Error(`invalid alias ${JSON.stringify(alias)}: use letters, digits, "_", "-" and "." and not only digits`);
  }
  if (alias === LATEST) throw new Error(`"${LATEST}" always means the highest version; it cannot be set`);
  return alias;
}

export type ModelRef = { name: string; version: number } | { name: string; alias: string };

/** "churn@production" → alias, "churn@3" → version, "churn" → the latest version. */
export function parseModelRef(ref: string): ModelRef {
  const at = ref.lastIndexOf('@');
  const name = checkModelName(at < 0 ? ref : ref.slice(0, at));
  const tail = at < 0 ? LATEST : ref.slice(at + 1);
  if (/^\d+$/.test(tail)) {
    const version = Number(tail);
    if (!Number.isSafeInteger(version) || version < 1) throw new Error(`invalid model version in ${JSON.stringify(ref)}`);
    return { name, version };
  }
  if (!isValidAlias(tail)) throw new Error(`invalid alias in ${JSON.stringify(ref)}`);
  return { name, alias: tail };
}

export function formatModelRef(ref: ModelRef): string {
  return 'version' in ref ? `${ref.name}@${ref.version}` : `${ref.name}@${ref.alias}`;
}
