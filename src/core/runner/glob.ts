// Glob patterns to regular expressions, for snapshot include/exclude settings and for
// .gitignore lines. Paths are relative and use "/": `*` and `?` stay within a segment,
// a `**` segment spans any number of them, `[...]` is a class, `{a,b}` alternatives.

export interface GlobOptions {
  /** Expand `{a,b}` (VS Code globs do; .gitignore does not). */
  braces?: boolean;
}

export function globToRegExpSource(pattern: string, opts: GlobOptions = {}): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const wholeSegment = (i === 0 || pattern[i - 1] === '/') && (i + 2 === pattern.length || pattern[i + 2] === '/');
        let j = i;
        while (pattern[j + 1] === '*') j++;
        if (wholeSegment) {
          if (pattern[i + 2] === '/') {
            out += '(?:[^/]*/)*';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        i = j;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let neg = '';
      if (body[0] === '!' || body[0] === '^') {
        neg = '^';
        body = body.slice(1);
      }
      out += `[${neg}${body.replace(/\\/g, '\\\\').replace(/\]/g, '\\]')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRe(pattern[++i]);
    } else if (opts.braces && c === '{') {
      out += '(?:';
      depth++;
    } else if (opts.braces && c === ',' && depth > 0) {
      out += '|';
    } else if (opts.braces && c === '}' && depth > 0) {
      out += ')';
      depth--;
    } else {
      out += escapeRe(c);
    }
  }
  // An unclosed brace is taken literally rather than failing the whole pattern.
  if (depth > 0) return globToRegExpSource(pattern, { ...opts, braces: false });
  return out;
}

/** A matcher for a whole relative path. */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const cleaned = patterns.map((p) => p.trim().replace(/^\.\//, '')).filter((p) => p.length > 0);
  if (cleaned.length === 0) return () => false;
  const re = new RegExp(`^(?:${cleaned.map((p) => globToRegExpSource(p, { braces: true })).join('|')})$`);
  return (path) => re.test(path);
}

function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++; // a leading "]" is a member, not the end
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ']') return i;
    else if (p[i] === '/') return -1;
  }
  return -1;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
