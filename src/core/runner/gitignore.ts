// A .gitignore matcher for workspaces that are not git repositories (in a repository the
// snapshot asks git itself). Covers what real projects use: root and nested files, `*`,
// `?`, `[...]`, `**`, leading or middle `/` anchoring, trailing `/` for directories and
// `!` negation, last match wins; as in git, nothing inside an ignored folder comes back.
import { globToRegExpSource } from './glob';

export interface IgnoreRule {
  /** Folder of the .gitignore that holds the rule, relative to the workspace ("" = root). */
  base: string;
  negate: boolean;
  dirOnly: boolean;
  /** Anchored rules match the path below `base`; others match the last segment. */
  anchored: boolean;
  re: RegExp;
}

export function parseGitignore(text: string, base = ''): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = trimTrailingSpaces(raw);
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    rules.push({ base, negate, dirOnly, anchored, re: new RegExp(`^${globToRegExpSource(line)}$`) });
  }
  return rules;
}

/** Whether a workspace-relative path is ignored by the rules in effect for its folder
 * (parent rules first, so later ones win). */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDir: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i];
    if (r.dirOnly && !isDir) continue;
    let rel: string;
    if (r.base === '') rel = path;
    else if (path.startsWith(r.base + '/')) rel = path.slice(r.base.length + 1);
    else continue;
    const subject = r.anchored ? rel : rel.slice(rel.lastIndexOf('/') + 1);
    if (r.re.test(subject)) return !r.negate;
  }
  return false;
}

function trimTrailingSpaces(line: string): string {
  // "foo\ " keeps its escaped trailing space.
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t') && line[end - 2] !== '\\') end--;
  return line.slice(0, end).replace(/\\ $/, ' ');
}
