// PostgreSQL text cannot hold U+0000, which a run log may (a name, a tag, a path). Such a
// character is stored, and looked for, as U+FFFD: a value holding it reads back with the
// replacement character, and every other value is unchanged.
const NUL = /\u0000/g;

export function pgSafe<T>(v: T): T {
  if (typeof v === 'string') return (v.includes('\u0000') ? v.replace(NUL, '\uFFFD') : v) as T;
  if (Array.isArray(v)) return (v.some((x) => typeof x === 'string' && x.includes('\u0000')) ? v.map((x) => pgSafe(x)) : v) as T;
  return v;
}

export function pgSafeAll(params: readonly unknown[]): unknown[] {
  return params.map((p) => pgSafe(p));
}
